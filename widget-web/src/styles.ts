//! The widget's stylesheet, applied inside its shadow root: nothing here reaches the host
//! page, and `:host { all: initial }` keeps the host page's inherited styles out.
//!
//! Surfaces and text come from two palettes (light, and dark for `.root.dark`), kept as data
//! so styles.test.ts can check that every text colour reads on every surface it sits on
//! (WCAG AA, 4.5:1). The launcher, the header and the visitor's bubbles keep the widget's
//! primary colour in both. Focus is a ring in the primary colour (in the header, on the
//! primary colour, the text colour), never red: red marks only fields with an error.

/** One palette: the value of each custom property the stylesheet reads. */
export interface Palette {
  /** Text. */
  fg: string;
  /** Secondary text: names, marks, notes, hints; unselected stars. */
  mut: string;
  /** Errors (text and the border of a field with an error). */
  err: string;
  /** The panel, the composer, the branding line. */
  bg: string;
  /** The message list behind the bubbles. */
  bg2: string;
  /** The team's bubbles, cards and forms. */
  bub: string;
  /** Text fields. */
  in: string;
  /** Hover backgrounds, the "earlier messages" pill, dividers. */
  soft: string;
  /** Field and button borders. */
  line: string;
  /** The connection banner: background and text. */
  wbg: string;
  wfg: string;
}

export const light: Palette = {
  fg: "#1c1c1e",
  mut: "#62626a",
  err: "#b91c22",
  bg: "#ffffff",
  bg2: "#f5f5f7",
  bub: "#ffffff",
  in: "#ffffff",
  soft: "#ececef",
  line: "#c9c9cf",
  wbg: "#fff4d6",
  wfg: "#6b4e00",
};

export const dark: Palette = {
  fg: "#ececf1",
  mut: "#a9a9b3",
  err: "#ff8a8a",
  bg: "#1c1c21",
  bg2: "#131316",
  bub: "#2a2a31",
  in: "#131316",
  soft: "#303038",
  line: "#4e4e58",
  wbg: "#3a2f0b",
  wfg: "#ffe08a",
};

/** The text colours and the surfaces each of them is shown on (checked for contrast). */
export const textOn: [keyof Palette, (keyof Palette)[]][] = [
  ["fg", ["bg", "bg2", "bub", "in", "soft"]],
  ["mut", ["bg", "bg2", "bub", "in", "soft"]],
  ["err", ["bg", "bg2", "bub", "in"]],
  ["wfg", ["wbg"]],
];

const vars = (p: Palette) =>
  Object.entries(p)
    .map(([name, value]) => `--${name}:${value}`)
    .join(";");

export const css = `
:host{all:initial!important;display:contents!important}
*{box-sizing:border-box;margin:0;padding:0;font:inherit;color:inherit}
[hidden]{display:none!important}
.root{${vars(light)};color-scheme:light;font:14px/1.45 var(--font);color:var(--fg);-webkit-font-smoothing:antialiased}
.root.dark{${vars(dark)};color-scheme:dark}
button,textarea,input{font:inherit;border:0;background:none}
button{cursor:pointer}
:focus{outline:none}
:focus-visible{outline:2px solid var(--p);outline-offset:2px}
:invalid{box-shadow:none}
:-moz-ui-invalid{box-shadow:none}
::placeholder{color:var(--mut);opacity:1}
.launcher{position:fixed;z-index:2147483000;width:var(--ls);height:var(--ls);border-radius:50%;background:var(--p);color:var(--pt);box-shadow:0 4px 16px rgb(0 0 0/.22);display:grid;place-items:center;transition:transform .15s}
.launcher:hover{transform:scale(1.06)}
.launcher svg{width:45%;height:45%;display:block}
.badge{position:absolute;top:-3px;right:-3px;min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:#e5484d;color:#fff;font-size:12px;font-weight:600;line-height:20px;text-align:center;box-shadow:0 0 0 2px #fff}
.br .launcher{right:20px;bottom:20px}.bl .launcher{left:20px;bottom:20px}.tr .launcher{right:20px;top:20px}.tl .launcher{left:20px;top:20px}
.panel{position:fixed;z-index:2147483001;width:380px;height:min(640px,calc(100vh - 120px));display:flex;flex-direction:column;background:var(--bg);border-radius:var(--r);box-shadow:0 12px 48px rgb(0 0 0/.25);overflow:hidden;transition:opacity .18s,transform .18s}
.dark .panel{box-shadow:0 12px 48px rgb(0 0 0/.6),0 0 0 1px var(--soft)}
.br .panel{right:20px;bottom:calc(var(--ls) + 32px)}.bl .panel{left:20px;bottom:calc(var(--ls) + 32px)}
.tr .panel{right:20px;top:calc(var(--ls) + 32px)}.tl .panel{left:20px;top:calc(var(--ls) + 32px)}
.panel[hidden]{display:none}
.head{background:var(--p);color:var(--pt);padding:16px;display:flex;gap:12px;align-items:center}
.head :focus-visible{outline-color:var(--pt)}
.head img{width:36px;height:36px;border-radius:8px;object-fit:cover;background:#fff}
.head .t{flex:1;min-width:0}
.head h2{font-size:16px;font-weight:600}
.head p{font-size:13px;opacity:.85;display:flex;align-items:center;gap:6px}
.dot{width:8px;height:8px;border-radius:50%;background:#9ca3af}.dot.on{background:#3dd68c}
.x{width:32px;height:32px;border-radius:8px;display:grid;place-items:center;color:var(--pt)}
.x:hover{background:rgb(255 255 255/.15)}
.x svg{width:18px;height:18px}
.conn{background:var(--wbg);color:var(--wfg);font-size:12px;padding:6px 16px}
.body{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:8px;background:var(--bg2)}
.more{align-self:center;font-size:12px;color:var(--mut);padding:4px 10px;border-radius:12px;background:var(--soft)}
.row{display:flex;flex-direction:column;align-items:flex-start;max-width:85%}
.row.me{align-self:flex-end;align-items:flex-end}
.who{font-size:11px;color:var(--mut);margin:0 4px 2px;display:flex;align-items:center;gap:5px}
.av{width:18px;height:18px;border-radius:50%;flex:none;object-fit:cover;background:var(--p);color:var(--pt);font-size:10px;font-weight:600;display:grid;place-items:center}
.ai{font-size:10px;font-weight:600;line-height:14px;padding:0 4px;border-radius:4px;border:1px solid var(--line)}
.qr{align-self:flex-end;display:flex;flex-wrap:wrap;justify-content:flex-end;gap:6px;max-width:85%}
.qr button{padding:6px 14px;border-radius:16px;border:1px solid var(--p);background:var(--bub);color:var(--fg);font-weight:500;line-height:1.35}
.qr button:hover{background:var(--p);color:var(--pt)}
.src{white-space:normal;margin-top:8px;padding-top:6px;border-top:1px solid var(--soft);font-size:12px}
.src p{color:var(--mut);font-weight:600}.src ol{padding-left:18px}.src li{margin-top:2px}
.caret{display:inline-block;width:7px;height:14px;margin-left:2px;vertical-align:-2px;background:currentColor;opacity:.45;animation:ph-blink 1s steps(2) infinite}
@keyframes ph-blink{50%{opacity:0}}
.bubble{padding:8px 12px;border-radius:var(--r);background:var(--bub);box-shadow:0 1px 1px rgb(0 0 0/.06);white-space:pre-wrap;overflow-wrap:anywhere}
.me .bubble{background:var(--p);color:var(--pt)}
.bubble a{text-decoration:underline}
.sys{align-self:center;font-size:12px;color:var(--mut);text-align:center;max-width:90%}
.away{font-size:13px;color:var(--fg);background:var(--bub);border-radius:var(--r);padding:10px 12px;border-left:3px solid var(--p)}
.away form{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}
.away input{flex:1 1 150px;min-width:0;border:1px solid var(--line);border-radius:8px;padding:7px 10px;background:var(--in)}
.away input:focus-visible{outline-offset:0;border-color:var(--p)}.away [aria-invalid=true]{border-color:var(--err)}
.away .btn{padding:7px 14px}.away .e{order:1;flex-basis:100%;color:var(--err);font-size:12px}
.mark{font-size:11px;color:var(--mut);margin:2px 4px 0}
.mark.bad{color:var(--err)}.mark button{text-decoration:underline;color:var(--err);margin-left:4px}
.att{display:block;margin-top:4px}.att img{max-width:220px;max-height:200px;border-radius:8px;display:block}
.file{display:inline-flex;gap:6px;align-items:center;text-decoration:underline}
.note{font-size:13px;background:var(--bub);border-radius:var(--r);padding:10px 12px;display:flex;flex-direction:column;gap:8px}
.typing{font-size:12px;color:var(--mut);padding:0 16px 6px;min-height:18px;background:var(--bg2)}
.botbar{display:flex;align-items:center;gap:8px;padding:8px 12px 8px 16px;font-size:12px;color:var(--mut);background:var(--bg);border-top:1px solid var(--soft)}
.botbar span{flex:1}.botbar .btn2{color:var(--fg);font-weight:600;white-space:nowrap}
.err,.wait{color:var(--err);font-size:12px;padding:4px 16px;background:var(--bg)}.wait{color:var(--mut)}
.prog{height:3px;background:var(--soft)}.prog i{display:block;height:100%;background:var(--p);transition:width .1s}
.compose{display:flex;align-items:flex-end;gap:4px;padding:8px;border-top:1px solid var(--soft);background:var(--bg)}
.compose textarea{flex:1;resize:none;max-height:120px;min-height:40px;padding:10px;border-radius:8px}
.compose textarea:focus-visible{outline-offset:0}
.ib{width:40px;height:40px;border-radius:8px;display:grid;place-items:center;color:var(--mut)}
.ib:hover{background:var(--soft)}.ib svg{width:20px;height:20px}
.ib.send{color:var(--p)}
.dark .ib.send{color:var(--fg)}
form.f{display:flex;flex-direction:column;gap:10px;background:var(--bub);border-radius:var(--r);padding:16px}
form.f label{display:flex;flex-direction:column;gap:4px;font-size:13px;font-weight:500}
form.f input,form.f textarea{border:1px solid var(--line);border-radius:8px;padding:8px 10px;font-weight:400;background:var(--in)}
form.f input:focus-visible,form.f textarea:focus-visible{outline-offset:0;border-color:var(--p)}
form.f [aria-invalid=true]{border-color:var(--err)}
form.f textarea{min-height:90px;resize:vertical}
form.f .e{color:var(--err);font-size:12px;font-weight:400}
.btn{background:var(--p);color:var(--pt);border-radius:8px;padding:9px 14px;font-weight:600}
.btn2{border:1px solid var(--line);border-radius:8px;padding:6px 12px;background:var(--bub)}
.btn:disabled{opacity:.6;cursor:default}
.acts{display:flex;gap:8px}.offer,.end{align-self:center}form.f .h{font-weight:600}
.list{display:flex;flex-direction:column;gap:10px}.list h3{font-size:15px;font-weight:600}
.list ul{list-style:none;display:flex;flex-direction:column;gap:6px}
.conv{width:100%;text-align:left;background:var(--bub);border:1px solid var(--soft);border-radius:var(--r);padding:9px 12px;display:flex;flex-direction:column;gap:2px}
.conv:hover{border-color:var(--line)}.conv[aria-current=true]{border-color:var(--p)}
.conv .d{font-size:12px;color:var(--mut)}.conv b{font-weight:600}
.pv{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;min-height:1.45em}
.stars{display:flex;gap:4px}.stars button{font-size:24px;color:var(--mut);line-height:1}.stars button[aria-pressed=true]{color:#f5a623}
.brand{font-size:11px;color:var(--mut);text-align:center;padding:6px;background:var(--bg)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media (max-width:520px){.panel{inset:0!important;width:100%;height:100%;border-radius:0}.open .launcher{display:none}}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
`;
