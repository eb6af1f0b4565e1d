//! Word pools: names, places, companies and the phrases workers write in records.
//!
//! Any change here (even appending) changes the townships every seed produces, which the pinned
//! test in `tests.rs` will flag, so that such a change is made on purpose.

use crate::records::vocabulary::{DisputeCategory, DisputeLevel};

/// Most common first, for [`super::rng::Rng::pick_common`].
pub const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏",
    "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "段", "雷", "侯", "龙",
    "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武", "戴", "莫",
];

/// Given names by sex and by when the person was born, because names follow fashions: a man
/// born in 1950 is a 建国, one born in 2015 a 子轩.
pub const GIVEN_MALE: [&[&str]; 3] = [
    &[
        "建国", "建华", "国强", "志刚", "德明", "永福", "长生", "金山", "振华", "国平", "春生",
        "根生", "水根", "忠", "明", "军", "华", "林", "平", "福",
    ],
    &[
        "志强", "建军", "海波", "晓东", "文斌", "鹏飞", "永强", "建平", "伟", "磊", "勇", "超",
        "亮", "斌", "俊", "刚", "强", "杰",
    ],
    &[
        "浩然", "子轩", "宇航", "俊杰", "梓豪", "一鸣", "思远", "家豪", "博文", "天佑", "浩宇",
        "宇", "浩", "晨", "轩", "鑫", "阳", "涛",
    ],
];
pub const GIVEN_FEMALE: [&[&str]; 3] = [
    &[
        "秀英", "桂兰", "玉梅", "凤英", "秀珍", "桂芳", "淑华", "翠花", "金花", "玉兰", "月娥",
        "美华", "英", "兰", "芳", "梅", "珍", "琴",
    ],
    &[
        "丽娟", "晓燕", "海燕", "红梅", "春燕", "秀丽", "丽华", "小红", "静", "丽", "娟", "燕",
        "艳", "敏", "霞", "萍",
    ],
    &[
        "欣怡", "梓涵", "雨涵", "诗琪", "可馨", "思雨", "佳怡", "紫萱", "梦瑶", "一诺", "雨桐",
        "婷", "静", "雪", "悦", "颖", "琳",
    ],
];

pub const TOWNSHIPS: &[&str] = &["青山镇", "东湖镇", "新桥镇", "云溪镇", "石门镇", "白沙镇"];

/// 村 for villages, 社区 for the resident committees (居) that grew up next to the park.
pub const VILLAGES: &[&str] = &[
    "幸福村",
    "和平村",
    "新华社区",
    "红星村",
    "光明村",
    "胜利村",
    "前进村",
    "团结村",
    "长青村",
    "东风村",
    "建设社区",
    "新民村",
    "金桥村",
    "永安村",
    "联丰村",
    "向阳村",
    "五星村",
    "丰收村",
    "园区社区",
    "民主村",
    "双桥村",
    "清溪村",
    "南湖社区",
    "百丈村",
];

/// The township's county (浙江省杭州市余杭区): local people's citizen IDs start with it.
pub const LOCAL_REGION: &str = "330110";
/// Neighbouring counties, where some spouses married in from.
pub const NEARBY_REGIONS: &[&str] = &["330106", "330111", "330122", "330182"];

/// Where floating residents come from: region code, 户籍地 as written, weight.
pub const ORIGINS: &[(&str, &str, usize)] = &[
    ("510122", "四川省成都市双流区", 14),
    ("500235", "重庆市云阳县", 10),
    ("420106", "湖北省武汉市武昌区", 8),
    ("430102", "湖南省长沙市芙蓉区", 7),
    ("430524", "湖南省邵阳市隆回县", 7),
    ("360102", "江西省南昌市东湖区", 9),
    ("410102", "河南省郑州市中原区", 8),
    ("411522", "河南省信阳市光山县", 8),
    ("341221", "安徽省阜阳市临泉县", 12),
    ("450102", "广西壮族自治区南宁市兴宁区", 6),
    ("520102", "贵州省贵阳市南明区", 11),
];

/// Mobile network prefixes in use (13x–19x).
pub const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "173", "177", "180", "181", "182", "183",
    "185", "186", "187", "188", "189", "191", "193", "195", "198", "199",
];

/// 字号 and trades of the industrial park's companies.
pub const COMPANY_WORDS: &[&str] = &[
    "华鑫", "恒达", "天成", "瑞丰", "金诚", "永盛", "鼎泰", "宏远", "博达", "荣昌", "嘉禾", "中恒",
    "顺通", "丰源", "盛邦", "科隆",
];
pub const COMPANY_TRADES: &[&str] = &[
    "电子有限公司",
    "机械制造有限公司",
    "物流有限公司",
    "新材料科技有限公司",
    "服饰有限公司",
    "食品有限公司",
    "包装材料有限公司",
    "汽车零部件有限公司",
    "精密五金有限公司",
    "建设工程有限公司",
];

/// Township leadership, in the order leaders are appointed by the generator.
pub const LEADER_TITLES: &[&str] = &[
    "书记",
    "镇长",
    "副书记",
    "人大主席",
    "副镇长",
    "副镇长",
    "政法委员",
];

/// Dispute summaries by category; `{a}` and `{b}` are parties, `{c}` an employer.
pub fn dispute_summaries(category: DisputeCategory) -> &'static [&'static str] {
    use DisputeCategory::*;
    match category {
        Neighbour => &[
            "{a}与{b}因宅基地界址发生争执，双方互不相让",
            "{a}家建房滴水檐伸入{b}家院内，引发邻里纠纷",
            "{a}与{b}因排水沟堵塞、污水漫流发生口角",
            "{a}家养狗咬伤{b}，双方对医药费承担有争议",
        ],
        Family => &[
            "{a}与{b}因家庭琐事长期不和，多次发生争吵",
            "{a}与{b}因老人赡养费分摊问题产生矛盾",
            "{a}与{b}因老宅继承分割发生争执",
        ],
        Land => &[
            "{a}与{b}因承包地边界不清发生争议",
            "{a}对村民小组土地调整方案有异议，与{b}发生争执",
            "{a}与{b}因山林权属不清，双方各执一词",
        ],
        LandAcquisition => &[
            "{a}对园区征地补偿标准有异议，拒绝腾地",
            "快速通道建设征用{a}家承包地，青苗补偿款未谈妥",
            "{a}对拆迁安置房分配顺序不满，多次到镇反映",
            "{a}与{b}因征地补偿款在家庭成员间分配发生纠纷",
            "{a}认为房屋拆迁评估面积偏小，要求重新丈量",
        ],
        Labour => &[
            "{a}等务工人员反映{c}拖欠工资",
            "{a}在{c}务工期间受伤，工伤赔偿未达成一致",
            "{a}被{c}辞退，双方对经济补偿金有争议",
        ],
        Contract => &[
            "{a}向{b}借款到期未还，双方发生争执",
            "{a}承包{b}家房屋装修，工程款结算有争议",
        ],
        Accident => &[
            "{a}驾驶电动车与{b}相撞致伤，赔偿未谈妥",
            "{a}在{b}家帮工时意外受伤，医疗费用承担有争议",
        ],
        Other => &[
            "{a}与{b}因合伙承包鱼塘收益分配发生争执",
            "{a}反映{b}在村道旁堆放建材影响通行",
        ],
    }
}

/// What was done in a session, any category.
pub const MEDIATION_ACTIONS: &[&str] = &[
    "上门走访当事人，了解双方诉求",
    "召集双方及村民小组长面对面协商",
    "实地察看现场，核实争议事实",
    "讲解相关法律法规和政策，释法说理",
    "联合司法所、派出所开展联合调解",
    "邀请律师参与，解答当事人法律疑问",
    "分别做双方亲属工作，缓和对立情绪",
    "提出折中方案，请双方回去考虑",
];

/// Why a case went up from the level it leaves.
pub fn escalation_reasons(from: DisputeLevel) -> &'static [&'static str] {
    match from {
        DisputeLevel::Group => &[
            "组内调解未果，提交村调委会",
            "双方分歧较大，村民小组无法调处",
        ],
        DisputeLevel::Village => &[
            "村级调解未果，提交镇矛盾纠纷调处中心",
            "涉及政策问题，村级无法解决",
            "涉及多户村民，影响较大",
        ],
        DisputeLevel::Township | DisputeLevel::Above => &[
            "涉及征地补偿政策，需区级部门协调",
            "当事人到区信访局上访，由上级督办",
            "需区人社局劳动监察部门介入",
        ],
    }
}

pub const RESOLVED_RESULTS: &[&str] = &[
    "双方达成调解协议，已当场履行",
    "经耐心调解，双方握手言和",
    "签订协议，补偿款已全部发放到位",
    "双方各让一步，按调解方案执行完毕",
];
pub const REFERRED_RESULTS: &[&str] = &[
    "移交区人社局劳动监察部门处理",
    "引导当事人通过诉讼途径解决",
    "移交派出所依法处理",
    "移交区信访局按程序办理",
];
pub const WITHDRAWN_RESULTS: &[&str] =
    &["当事人自行和解，申请撤回", "当事人表示不再追究，撤回申请"];

pub const REOPEN_REASONS: &[&str] = &[
    "协议未按期履行，当事人再次来访",
    "补偿款未到位，当事人再次反映",
    "纠纷反弹，双方再次发生争执",
];

/// Outreach problem categories (the report's "**类"): name, what residents say, the district
/// departments a problem can wait on, and how often it comes up. The report's visits asked
/// about 惠农政策 first, and 征地补偿 weighs on a township like this one.
pub const PROBLEM_KINDS: &[(&str, &[&str], &[&str], usize)] = &[
    (
        "惠农政策",
        &[
            "耕地地力保护补贴发放时间不清楚",
            "低保申请进度咨询",
            "农机购置补贴申请材料繁琐",
            "种粮补贴标准有疑问",
        ],
        &["区农业农村局", "区民政局"],
        25,
    ),
    (
        "道路交通",
        &[
            "村组道路路面破损，雨天积水",
            "园区货车通行村道，路面压坏",
            "路口缺少警示标志，存在安全隐患",
            "快速通道施工影响村民出行",
        ],
        &["区交通局", "区公安分局交警大队"],
        15,
    ),
    (
        "农田水利",
        &[
            "灌溉渠道淤塞，需清淤",
            "机埠抽水泵损坏，影响灌溉",
            "山塘堤坝渗漏",
        ],
        &["区水利局"],
        12,
    ),
    (
        "征地补偿",
        &[
            "征地补偿款发放进度慢",
            "拆迁安置房交付时间未定",
            "青苗补偿标准有异议",
            "失地农民养老保险参保问题",
        ],
        &["区征迁办", "区自然资源局"],
        18,
    ),
    (
        "社会保障",
        &[
            "城乡居民医保缴费咨询",
            "残疾人补贴申领",
            "高龄老人补贴未到账",
            "养老金领取资格认证",
        ],
        &["区人社局", "区医保局", "区民政局"],
        12,
    ),
    (
        "环境卫生",
        &[
            "垃圾清运不及时",
            "园区企业废气异味扰民",
            "河道漂浮物多",
            "公厕无人保洁",
        ],
        &["区环保局", "区城管局"],
        10,
    ),
    (
        "治安",
        &[
            "夜间路灯不亮，存在安全隐患",
            "出租房人员流动频繁，请求加强巡查",
            "电动车被盗",
            "村口监控损坏",
        ],
        &["区公安分局"],
        8,
    ),
];
