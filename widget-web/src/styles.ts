//! The widget's stylesheet, applied inside its shadow root: nothing here reaches the host
//! page, and `:host { all: initial }` keeps the host page's inherited styles out.

export const css = `
:host{all:initial!important;display:contents!important}
*{box-sizing:border-box;margin:0;padding:0;font:inherit;color:inherit}
[hidden]{display:none!important}
.root{font:14px/1.45 var(--font);color:#1c1c1e;-webkit-font-smoothing:antialiased}
button,textarea,input{font:inherit;border:0;background:none}
button{cursor:pointer}
:focus-visible{outline:2px solid var(--p);outline-offset:2px}
.launcher{position:fixed;z-index:2147483000;width:var(--ls);height:var(--ls);border-radius:50%;background:var(--p);color:var(--pt);box-shadow:0 4px 16px rgb(0 0 0/.22);display:grid;place-items:center;transition:transform .15s}
.launcher:hover{transform:scale(1.06)}
.launcher svg{width:45%;height:45%}
.badge{position:absolute;top:-3px;right:-3px;min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:#e5484d;color:#fff;font-size:12px;font-weight:600;line-height:20px;text-align:center;box-shadow:0 0 0 2px #fff}
.br .launcher{right:20px;bottom:20px}.bl .launcher{left:20px;bottom:20px}.tr .launcher{right:20px;top:20px}.tl .launcher{left:20px;top:20px}
.panel{position:fixed;z-index:2147483001;width:380px;height:min(640px,calc(100vh - 120px));display:flex;flex-direction:column;background:#fff;border-radius:var(--r);box-shadow:0 12px 48px rgb(0 0 0/.25);overflow:hidden;transition:opacity .18s,transform .18s}
.br .panel{right:20px;bottom:calc(var(--ls) + 32px)}.bl .panel{left:20px;bottom:calc(var(--ls) + 32px)}
.tr .panel{right:20px;top:calc(var(--ls) + 32px)}.tl .panel{left:20px;top:calc(var(--ls) + 32px)}
.panel[hidden]{display:none}
.head{background:var(--p);color:var(--pt);padding:16px;display:flex;gap:12px;align-items:center}
.head img{width:36px;height:36px;border-radius:8px;object-fit:cover;background:#fff}
.head .t{flex:1;min-width:0}
.head h2{font-size:16px;font-weight:600}
.head p{font-size:13px;opacity:.85;display:flex;align-items:center;gap:6px}
.dot{width:8px;height:8px;border-radius:50%;background:#9ca3af}.dot.on{background:#3dd68c}
.x{width:32px;height:32px;border-radius:8px;display:grid;place-items:center;color:var(--pt)}
.x:hover{background:rgb(255 255 255/.15)}
.x svg{width:18px;height:18px}
.conn{background:#fff4d6;color:#6b4e00;font-size:12px;padding:6px 16px}
.body{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:8px;background:#f7f7f8}
.more{align-self:center;font-size:12px;color:#555;padding:4px 10px;border-radius:12px;background:#ececef}
.row{display:flex;flex-direction:column;align-items:flex-start;max-width:85%}
.row.me{align-self:flex-end;align-items:flex-end}
.who{font-size:11px;color:#6b6b73;margin:0 4px 2px}
.bubble{padding:8px 12px;border-radius:var(--r);background:#fff;box-shadow:0 1px 1px rgb(0 0 0/.06);white-space:pre-wrap;overflow-wrap:anywhere}
.me .bubble{background:var(--p);color:var(--pt)}
.bubble a{text-decoration:underline}
.sys{align-self:center;font-size:12px;color:#6b6b73;text-align:center;max-width:90%}
.mark{font-size:11px;color:#6b6b73;margin:2px 4px 0}
.mark.bad{color:#c2272d}.mark button{text-decoration:underline;color:#c2272d;margin-left:4px}
.att{display:block;margin-top:4px}.att img{max-width:220px;max-height:200px;border-radius:8px;display:block}
.file{display:inline-flex;gap:6px;align-items:center;text-decoration:underline}
.note{font-size:13px;background:#fff;border-radius:var(--r);padding:10px 12px;color:#3a3a40;display:flex;flex-direction:column;gap:8px}
.typing{font-size:12px;color:#6b6b73;padding:0 16px 6px;min-height:18px;background:#f7f7f8}
.err,.wait{color:#c2272d;font-size:12px;padding:4px 16px}.wait{color:#5b5b63}
.prog{height:3px;background:#e4e4e7}.prog i{display:block;height:100%;background:var(--p);transition:width .1s}
.compose{display:flex;align-items:flex-end;gap:4px;padding:8px;border-top:1px solid #ececef;background:#fff}
.compose textarea{flex:1;resize:none;max-height:120px;min-height:40px;padding:10px;border-radius:8px;outline:none}
.compose textarea:focus-visible{outline:2px solid var(--p);outline-offset:0}
.ib{width:40px;height:40px;border-radius:8px;display:grid;place-items:center;color:#5b5b63}
.ib:hover{background:#f0f0f2}.ib svg{width:20px;height:20px}
.ib.send{color:var(--p)}
form.f{display:flex;flex-direction:column;gap:10px;background:#fff;border-radius:var(--r);padding:16px}
form.f label{display:flex;flex-direction:column;gap:4px;font-size:13px;font-weight:500}
form.f input,form.f textarea{border:1px solid #d4d4d8;border-radius:8px;padding:8px 10px;font-weight:400}
form.f textarea{min-height:90px;resize:vertical}
form.f .e{color:#c2272d;font-size:12px;font-weight:400}
.btn{background:var(--p);color:var(--pt);border-radius:8px;padding:9px 14px;font-weight:600}
.btn2{border:1px solid #d4d4d8;border-radius:8px;padding:6px 12px;background:#fff}
.btn:disabled{opacity:.6;cursor:default}
.acts{display:flex;gap:8px}.offer{align-self:center}form.f .h{font-weight:600}
.stars{display:flex;gap:4px}.stars button{font-size:24px;color:#c7c7cc;line-height:1}.stars button[aria-pressed=true]{color:#f5a623}
.brand{font-size:11px;color:#8e8e93;text-align:center;padding:6px;background:#fff}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media (max-width:520px){.panel{inset:0!important;width:100%;height:100%;border-radius:0}.open .launcher{display:none}}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
`;
