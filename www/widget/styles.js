// The panel's CSS. It lives in the launcher's shadow root: the host page's CSS cannot
// reach it and it cannot leak out. Colours come from custom properties the loader and
// brand-color.js set on the host (--dfl-brand, --dfl-ink, --dfl-accent-light/-dark).

import { DEFAULT_COLOR } from './brand-color.js';

export const STYLES = `
:host{--dfl-bg:#fff;--dfl-fg:#1d2130;--dfl-muted:#5b6275;--dfl-line:#e3e5ec;--dfl-soft:#f5f6f9;--dfl-bot:#f0f1f6;--dfl-err:#b42318;--dfl-ok:#067647;
  --dfl-accent:var(--dfl-accent-light,var(--dfl-brand,${DEFAULT_COLOR}));--dfl-shadow:0 20px 50px rgba(17,20,45,.22),0 4px 14px rgba(17,20,45,.1)}
@media (prefers-color-scheme:dark){:host{--dfl-bg:#16171c;--dfl-fg:#eceef3;--dfl-muted:#a2a8b8;--dfl-line:#2c2f3a;--dfl-soft:#1e2027;--dfl-bot:#23252e;--dfl-err:#ff8a80;--dfl-ok:#6ce9a6;
  --dfl-accent:var(--dfl-accent-dark,color-mix(in srgb,var(--dfl-brand,${DEFAULT_COLOR}) 55%,#fff));--dfl-shadow:0 20px 50px rgba(0,0,0,.55),0 4px 14px rgba(0,0,0,.35)}}
.panel,.panel *{box-sizing:border-box}
.panel{position:fixed;right:20px;bottom:20px;width:380px;height:560px;max-width:calc(100vw - 40px);max-height:calc(100vh - 40px);
  display:flex;flex-direction:column;overflow:hidden;overflow:clip;background:var(--dfl-bg);color:var(--dfl-fg);border:1px solid var(--dfl-line);border-radius:16px;
  box-shadow:var(--dfl-shadow);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;text-align:left;
  letter-spacing:normal;word-spacing:normal;text-transform:none;-webkit-font-smoothing:antialiased;animation:dfl-in .2s ease-out;transform-origin:bottom right;color-scheme:light dark}
.panel.left{right:auto;left:20px;transform-origin:bottom left}
.panel[hidden]{display:none}
@keyframes dfl-in{from{opacity:0;transform:translateY(10px) scale(.98)}}
@media (max-width:479px){.panel,.panel.left{inset:0;width:100%;height:100%;max-width:none;max-height:none;border:0;border-radius:0;
  padding-left:env(safe-area-inset-left);padding-right:env(safe-area-inset-right);animation:none}
  .head{padding-top:max(14px,env(safe-area-inset-top))}.foot{padding-bottom:max(8px,env(safe-area-inset-bottom))}}
button,input,select,textarea{font:inherit;color:inherit;letter-spacing:inherit}
button{cursor:pointer;margin:0}
button:disabled{cursor:default;opacity:.55}
:focus-visible{outline:2px solid var(--dfl-accent);outline-offset:2px}
.i{width:18px;height:18px;fill:currentColor;flex:none}
.sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.head{display:flex;align-items:center;gap:12px;padding:14px 12px 14px 16px;background:var(--dfl-brand,${DEFAULT_COLOR});color:var(--dfl-ink,#fff);flex:none}
.avatar{width:36px;height:36px;border-radius:50%;display:grid;place-items:center;font-weight:700;font-size:16px;background:color-mix(in srgb,currentColor 18%,transparent);flex:none}
.who{flex:1;min-width:0}
.title{margin:0;font-size:16px;font-weight:650;line-height:1.25;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.sub{margin:2px 0 0;font-size:13px;line-height:1.3}
.x{width:36px;height:36px;border:0;border-radius:10px;background:transparent;display:grid;place-items:center;color:inherit}
.x:hover{background:color-mix(in srgb,currentColor 16%,transparent)}
.x:focus-visible{outline-color:currentColor;outline-offset:-2px}
.x .i{width:22px;height:22px}
.body{position:relative;flex:1;min-height:0;display:flex;flex-direction:column;overflow:hidden;overflow:clip}
.log{position:relative;flex:1;overflow-y:auto;padding:16px 14px 8px;display:flex;flex-direction:column;gap:10px;overscroll-behavior:contain;scroll-behavior:smooth}
.log[hidden],.article[hidden]{display:none}
.row{position:relative;display:flex;flex-direction:column;align-items:flex-start;max-width:100%}
.row.me{align-items:flex-end}
.bubble{margin:0;padding:9px 13px;border-radius:16px 16px 16px 5px;background:var(--dfl-bot);max-width:86%;white-space:pre-wrap;overflow-wrap:anywhere}
.me .bubble{background:var(--dfl-brand,${DEFAULT_COLOR});color:var(--dfl-ink,#fff);border-radius:16px 16px 5px 16px}
.status{margin:0;color:var(--dfl-muted);font-size:14px;display:flex;align-items:center;gap:8px}
.spin{width:14px;height:14px;border-radius:50%;border:2px solid var(--dfl-line);border-top-color:var(--dfl-accent);animation:dfl-spin .8s linear infinite}
@keyframes dfl-spin{to{transform:rotate(360deg)}}
.acts{display:flex;flex-direction:column;align-items:stretch;gap:6px;width:86%}
.acts.choices{flex-direction:row;flex-wrap:wrap;width:auto;max-width:100%}
.chip{display:flex;align-items:center;gap:9px;width:100%;padding:9px 12px;border:1px solid color-mix(in srgb,var(--dfl-accent) 35%,var(--dfl-line));border-radius:12px;
  background:var(--dfl-bg);color:var(--dfl-fg);text-align:left;line-height:1.35;transition:background .12s,border-color .12s}
.chip .i{color:var(--dfl-accent)}
.chip:hover{background:color-mix(in srgb,var(--dfl-accent) 8%,var(--dfl-bg));border-color:var(--dfl-accent)}
.choices .chip{width:auto;border-radius:999px;padding:7px 14px;color:var(--dfl-accent);font-weight:550}
.past{list-style:none;margin:0;padding:0 0 0 2px;display:flex;flex-direction:column;gap:3px;color:var(--dfl-muted);font-size:14px;max-width:86%}
.past li{display:flex;gap:7px;align-items:flex-start;line-height:1.35}
.past .i{width:15px;height:15px;margin-top:1px;opacity:.7}
.note{display:flex;gap:10px;align-items:flex-start;margin:0;padding:11px 13px;border-radius:12px;background:color-mix(in srgb,var(--dfl-ok) 10%,var(--dfl-bg));border:1px solid color-mix(in srgb,var(--dfl-ok) 35%,var(--dfl-line));width:100%}
.note .i{color:var(--dfl-ok);margin-top:2px}
.note.warn{background:color-mix(in srgb,var(--dfl-err) 8%,var(--dfl-bg));border-color:color-mix(in srgb,var(--dfl-err) 35%,var(--dfl-line))}
.note.warn .i{color:var(--dfl-err)}
.note p{margin:0}
.card{width:100%;padding:12px;border:1px solid var(--dfl-line);border-radius:14px;background:var(--dfl-soft);display:flex;flex-direction:column;gap:10px}
.card h3{margin:0;font-size:15px;font-weight:650}
.field{display:flex;flex-direction:column;gap:4px}
.field label{font-size:14px;font-weight:550}
.req{color:var(--dfl-err);margin-left:2px}
.field input,.field select,.field textarea{width:100%;padding:8px 10px;border:1px solid var(--dfl-line);border-radius:9px;background:var(--dfl-bg);font-size:14px}
.field textarea{resize:vertical;min-height:70px}
.field input:focus-visible,.field select:focus-visible,.field textarea:focus-visible{outline:2px solid var(--dfl-accent);outline-offset:0;border-color:transparent}
.field [aria-invalid=true]{border-color:var(--dfl-err)}
.err{margin:0;color:var(--dfl-err);font-size:13px}
.err:empty{display:none}
.hint{margin:0;font-size:13px}
.hint:empty{display:none}
.field input[type=file]{padding:6px;background:var(--dfl-bg)}
.primary{align-self:flex-start;display:inline-flex;align-items:center;gap:8px;padding:8px 16px;border:0;border-radius:10px;background:var(--dfl-brand,${DEFAULT_COLOR});color:var(--dfl-ink,#fff);font-weight:600}
.primary:hover{filter:brightness(1.08)}
.ghost{padding:7px 14px;border:1px solid var(--dfl-line);border-radius:10px;background:var(--dfl-bg);font-weight:550}
.ghost:hover{border-color:var(--dfl-accent)}
.foot{flex:none;border-top:1px solid var(--dfl-line);padding:10px 12px 8px;display:flex;flex-direction:column;gap:8px;background:var(--dfl-bg)}
.compose{display:flex;gap:8px;margin:0}
.compose input{flex:1;min-width:0;padding:10px 13px;border:1px solid var(--dfl-line);border-radius:12px;background:var(--dfl-soft);font-size:15px}
.compose input::placeholder{color:var(--dfl-muted);opacity:1}
.compose input:focus-visible{outline:2px solid var(--dfl-accent);outline-offset:0;border-color:transparent;background:var(--dfl-bg)}
.send{width:42px;border:0;border-radius:12px;background:var(--dfl-brand,${DEFAULT_COLOR});color:var(--dfl-ink,#fff);display:grid;place-items:center;flex:none}
.send:hover{filter:brightness(1.08)}
.send .i{width:20px;height:20px}
.suggest{display:flex;flex-direction:column;gap:4px}
.suggest:empty{display:none}
.suggest .chip{padding:7px 10px;font-size:14px;border-color:var(--dfl-line)}
.meta{display:flex;align-items:center;justify-content:space-between;gap:8px;font-size:12px;color:var(--dfl-muted)}
.human{display:inline-flex;align-items:center;gap:6px;padding:4px 8px;margin-left:-8px;border:0;border-radius:8px;background:transparent;color:var(--dfl-accent);font-size:13px;font-weight:600}
.human:hover{background:color-mix(in srgb,var(--dfl-accent) 10%,transparent)}
.human .i{width:16px;height:16px}
.human[hidden]{display:none}
.brandline{margin-left:auto}
.article{flex:1;overflow-y:auto;padding:0 18px 18px;overscroll-behavior:contain}
.artbar{position:sticky;top:0;margin:0 -18px;padding:10px 12px;background:var(--dfl-bg);border-bottom:1px solid var(--dfl-line);display:flex}
.back{display:inline-flex;align-items:center;gap:6px;padding:5px 10px 5px 6px;border:0;border-radius:8px;background:transparent;color:var(--dfl-accent);font-weight:600}
.back:hover{background:color-mix(in srgb,var(--dfl-accent) 10%,transparent)}
.article h2{margin:16px 0 8px;font-size:19px;line-height:1.3;outline:none}
.prose{overflow-wrap:anywhere}
.prose p,.prose ul,.prose ol{margin:0 0 10px}
.prose ul,.prose ol{padding-left:22px}
.prose li{margin:4px 0}
.prose h1,.prose h2,.prose h3,.prose h4{font-size:16px;margin:14px 0 6px}
.prose a,.fulllink{color:var(--dfl-accent);text-underline-offset:2px}
.prose img{max-width:100%;height:auto}
.prose code{font-size:.9em;background:var(--dfl-soft);padding:1px 4px;border-radius:4px}
.prose pre{overflow:auto;background:var(--dfl-soft);padding:10px;border-radius:8px}
.prose table{border-collapse:collapse;max-width:100%;display:block;overflow:auto}
.prose td,.prose th{border:1px solid var(--dfl-line);padding:4px 8px}
.fulllink{display:inline-flex;align-items:center;gap:4px;font-size:14px}
.fulllink .i{width:14px;height:14px}
.helped{margin-top:18px;padding:12px 14px;border-radius:12px;background:var(--dfl-soft);display:flex;align-items:center;gap:8px;flex-wrap:wrap}
.helped p{margin:0 auto 0 0;font-weight:600}
@media (max-width:479px){.compose input,.field input,.field select,.field textarea{font-size:16px}}
@media (prefers-reduced-motion:reduce){.panel,.panel *{animation:none!important;transition:none!important;scroll-behavior:auto!important}}
@media (forced-colors:active){.panel{border:1px solid CanvasText}.chip,.send,.primary{border:1px solid ButtonText}}
`;
