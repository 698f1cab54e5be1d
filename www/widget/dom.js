// Building the panel's DOM without innerHTML for anything a visitor typed.

/** `h('button', {class, text, onclick, 'aria-label'…}, ...children)`: attributes that
 *  are null or false are left out, `on*` become listeners, `text` the text content. */
export function h(tag, attrs, ...kids) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids) if (kid != null) node.append(kid);
  return node;
}

/** Plain text with **bold** spans. */
export function rich(text) {
  const frag = document.createDocumentFragment();
  for (const part of String(text).split(/(\*\*[^*]+\*\*)/)) {
    if (!part) continue;
    if (/^\*\*[^*]+\*\*$/.test(part)) frag.append(h('strong', { text: part.slice(2, -2) }));
    else frag.append(document.createTextNode(part));
  }
  return frag;
}

/** Links in KB-rendered HTML open in a new tab, without handing it this page. */
export function linksInNewTab(container) {
  for (const a of container.querySelectorAll('a[href]')) {
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
}
