// A host page for the Quanzi store (docs/embedding.md): frames it with ?embed=1, sizes the
// frame to the store's `resize`, logs every event, and sends commands. Messages from any
// other origin, or without `source: "quanzi"`, are not the store's and are dropped.
'use strict';

const params = new URLSearchParams(location.search);
const storeOrigin = new URL(params.get('store') || location.origin).origin;
const path = params.get('path') || '/p/18';
const frame = document.getElementById('store');
const log = document.getElementById('events');
// For tests and the curious: everything the store said, in order.
window.quanziEvents = [];

const src = new URL(path, storeOrigin);
src.searchParams.set('embed', '1');
if (params.get('theme')) src.searchParams.set('theme', params.get('theme'));

function send(type, payload) {
  // Always the store's exact origin, never "*": a frame that navigated elsewhere gets nothing.
  frame.contentWindow.postMessage({ source: 'quanzi', v: 1, type, payload }, storeOrigin);
}
window.quanziSend = send;

window.addEventListener('message', (event) => {
  if (event.origin !== storeOrigin || event.source !== frame.contentWindow) return;
  const message = event.data;
  if (!message || message.source !== 'quanzi' || message.v !== 1) return;
  window.quanziEvents.push(message);
  const item = document.createElement('li');
  item.textContent = `${message.type} ${JSON.stringify(message.payload)}`;
  log.prepend(item);
  switch (message.type) {
    case 'ready':
      document.getElementById('host-status').textContent = `store ready at ${message.payload.path}`;
      break;
    case 'resize':
      frame.style.height = `${Math.max(200, message.payload.height)}px`;
      break;
    case 'share': {
      if (!document.getElementById('answer-shares').checked) break;
      // A native host opens its own share sheet here; this page shows the link.
      const note = document.getElementById('share-request');
      note.hidden = false;
      note.textContent = `Host would share: ${message.payload.title} — ${message.payload.url}`;
      // Answer at once, with the share's id: the store waits less than a second.
      send('share_result', { id: message.payload.id, status: 'opened' });
      break;
    }
  }
});

for (const button of document.querySelectorAll('[data-locale]')) {
  button.addEventListener('click', () => send('set_locale', { locale: button.dataset.locale }));
}
document.getElementById('apply-theme').addEventListener('click', () => {
  send('set_theme', {
    accent: document.getElementById('accent').value,
    background: document.getElementById('background').value,
  });
});
document.getElementById('reset-theme').addEventListener('click', () => send('set_theme', {}));
document.getElementById('navigate').addEventListener('submit', (event) => {
  event.preventDefault();
  send('navigate', { path: document.getElementById('path').value });
});

frame.src = src.href;
