// The panel's elements: header, log, article view and footer with the composer. Built
// once per mount; the modules fill them and mount() wires their events.

import { h } from './dom.js';
import { icon } from './icons.js';
import { STYLES } from './styles.js';

export const PANEL_ID = 'deflect-panel';

/** The panel's elements by name (`panel` holds them all, `style` its CSS). */
export function buildView({ t, lang, position }) {
  const dom = {
    style: h('style', { text: STYLES }),
    title: h('h2', { class: 'title' }),
    sub: h('p', { class: 'sub' }),
    avatar: h('span', { class: 'avatar', 'aria-hidden': 'true' }),
    newBtn: h('button', { type: 'button', class: 'x', 'aria-label': t('newChat'), title: t('newChat') }, icon('restart')),
    closeBtn: h('button', { type: 'button', class: 'x', 'aria-label': t('close') }, icon('close')),
    log: h('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': t('conversation') }),
    backBtn: h('button', { type: 'button', class: 'back' }, icon('back'), t('back')),
    artTitle: h('h2', { tabindex: '-1' }),
    artBody: h('div', { class: 'prose' }),
    artLink: h('p', {}),
    helped: h('div', { class: 'helped' }),
    input: h('input', {
      type: 'text',
      'aria-label': t('input'),
      placeholder: t('placeholder'),
      autocomplete: 'off',
      enterkeyhint: 'send',
      maxlength: '2000',
    }),
    suggest: h('div', { class: 'suggest', role: 'group', 'aria-label': t('suggested') }),
    humanBtn: h('button', { type: 'button', class: 'human' }, icon('person'), t('human')),
  };
  dom.artView = h('div', { class: 'article', hidden: true }, h('div', { class: 'artbar' }, dom.backBtn), dom.artTitle, dom.artBody, dom.artLink, dom.helped);
  dom.composer = h('form', { class: 'compose' }, dom.input, h('button', { type: 'submit', class: 'send', 'aria-label': t('send') }, icon('send')));
  dom.panel = h(
    'section',
    { class: `panel${position === 'left' ? ' left' : ''}`, role: 'dialog', 'aria-label': t('dialog'), 'aria-modal': 'true', lang, id: PANEL_ID, hidden: true },
    h('header', { class: 'head' }, dom.avatar, h('div', { class: 'who' }, dom.title, dom.sub), dom.newBtn, dom.closeBtn),
    h('div', { class: 'body' }, dom.log, dom.artView),
    h('div', { class: 'foot' }, dom.composer, dom.suggest, h('div', { class: 'meta' }, dom.humanBtn, h('span', { class: 'brandline', text: 'Powered by Deflect' })))
  );
  return dom;
}
