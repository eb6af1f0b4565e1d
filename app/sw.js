// Pingan service worker: serves the app shell from the cache so the app opens with no signal.
//
// The cache name carries the build id (replaced by `cargo xtask dist`), so a new build installs
// a new cache. The new worker does not call skipWaiting(): it takes over only once every tab
// of the old version is closed, so an open form is never swapped out from under a worker.
// Records live in IndexedDB, not here, so replacing the shell never touches unsynced data.
const CACHE = 'pingan-shell-__PINGAN_BUILD__';
const SHELL = [
  '/',
  '/index.html',
  '/pingan_app.js',
  '/pingan_app_bg.wasm',
  '/style.css',
  '/pwa.js',
  '/crash.js',
  '/draft.js',
  '/manifest.webmanifest',
  '/icons/icon.svg',
];

// The township office's bundle: cached when the office first opens it, not on every phone.
const OFFICE = ['/office.html', '/office.css', '/pingan_office.js', '/pingan_office_bg.wasm'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(
      names.filter((name) => name.startsWith('pingan-shell-') && name !== CACHE)
        .map((name) => caches.delete(name)),
    );
    // The first install controls the open page at once, so it works offline without a reload.
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  // Sync and other API calls must reach the server or fail visibly; never answer from cache.
  if (event.request.method !== 'GET' || url.origin !== self.location.origin ||
      url.pathname.startsWith('/api/') || url.pathname === '/healthz') {
    return;
  }
  const office = OFFICE.includes(url.pathname);
  const key = office ? url.pathname : event.request.mode === 'navigate' ? '/index.html' : url.pathname;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const cached = await cache.match(key);
    if (cached) return cached;
    const response = await fetch(event.request);
    // The office bundle is kept once fetched, in this build's cache, so it too opens offline.
    if (office && response.ok) await cache.put(key, response.clone());
    return response;
  })());
});
