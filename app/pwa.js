// Registers the service worker (what lets the app open with no signal) and says when a new
// version is waiting. sw.js never skips waiting: a new version takes over only once every page
// of the old one is closed, so an open form is never swapped out from under a worker.
// `keep`: files to fetch once through the worker after it takes control (the office bundle,
// which the worker does not install on phones).
export function registerServiceWorker(keep = []) {
  if (!('serviceWorker' in navigator)) return; // still works online
  const fetchThrough = () => keep.forEach((url) => fetch(url).catch(() => {}));
  if (navigator.serviceWorker.controller) fetchThrough();
  else navigator.serviceWorker.addEventListener('controllerchange', fetchThrough, { once: true });
  navigator.serviceWorker.register('/sw.js').then((registration) => {
    const announce = () => {
      if (registration.waiting && navigator.serviceWorker.controller) {
        document.getElementById('update-ready').hidden = false;
      }
    };
    announce();
    registration.addEventListener('updatefound', () => {
      registration.installing?.addEventListener('statechange', announce);
    });
  }).catch((e) => console.warn('service worker', e));
}
