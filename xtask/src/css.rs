//! Stylesheets minified for shipping: comments and layout whitespace out, nothing else
//! touched. The field app's stylesheet counts against its 500,000 B budget, and no npm tool is
//! needed for something this small.

/// `text` without comments and without the whitespace that only lays it out. Space before a
/// `:` is kept (`a :hover` differs from `a:hover`), and so is everything inside quotes.
pub fn minify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut quote = None;
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        if c == '/' && chars.peek() == Some(&'*') {
            chars.next();
            let mut last = ' ';
            for c in chars.by_ref() {
                if last == '*' && c == '/' {
                    break;
                }
                last = c;
            }
            pending_space = true;
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        let tight = |c: char| "{};,>".contains(c);
        if pending_space
            && !out.is_empty()
            && !tight(c)
            && !out.ends_with(|p: char| tight(p) || p == ':')
        {
            out.push(' ');
        }
        pending_space = false;
        if c == '}' && out.ends_with(';') {
            out.pop();
        }
        if c == '"' || c == '\'' {
            quote = Some(c);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::minify;

    #[test]
    fn comments_and_layout_whitespace_go() {
        let css =
            "/* phone first */\n:root {\n  --red: #b71c1c;\n}\n* { box-sizing: border-box; }\n";
        assert_eq!(minify(css), ":root{--red:#b71c1c}*{box-sizing:border-box}");
    }

    #[test]
    fn selectors_values_and_strings_keep_their_meaning() {
        let css = ".a :hover, li > b { font-family: system-ui, \"PingFang  SC\"; margin: 0 auto; }\n.net::before { content: \"● x\"; }";
        assert_eq!(
            minify(css),
            ".a :hover,li>b{font-family:system-ui,\"PingFang  SC\";margin:0 auto}.net::before{content:\"● x\"}"
        );
    }
}
