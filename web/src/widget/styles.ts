// All the widget's CSS, inside its shadow root: the page's styles cannot reach in and these cannot
// leak out. `all: initial` on the host stops inherited page styles (font, colour, line height); it is
// !important because a page's own !important rules on the host element (`* {color: … !important}`)
// would win otherwise, while among important rules the shadow root's win.
// Colours keep text at 4.5:1 or more against its background; logical properties follow RTL.
export const css = `
:host{all:initial!important;position:fixed!important;z-index:2147483000!important;inset-block-end:20px!important;
inset-inline-end:20px!important;display:block!important;color:#1f2937!important;
font:14px/1.5 system-ui,-apple-system,"Segoe UI",Tahoma,Roboto,"Noto Sans Arabic",sans-serif!important}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
button,input,textarea{font:inherit;color:inherit}
button{cursor:pointer}
:focus-visible{outline:2px solid #1d4ed8;outline-offset:2px}
.primary:focus-visible,.launcher:focus-visible{outline:3px solid #1d4ed8;outline-offset:3px;box-shadow:0 0 0 3px #fff}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.launcher{position:relative;width:56px;height:56px;border-radius:50%;border:0;background:#1d4ed8;color:#fff;
box-shadow:0 4px 14px rgba(0,0,0,.25);display:grid;place-items:center}
.launcher:hover{background:#1e40af}
.launcher svg{width:28px;height:28px}
.badge{position:absolute;inset-block-start:-4px;inset-inline-end:-4px;min-width:22px;height:22px;padding:0 6px;
border-radius:11px;background:#b91c1c;color:#fff;font-size:12px;font-weight:700;line-height:22px;text-align:center}
.panel{position:fixed;inset-block-end:88px;inset-inline-end:20px;width:min(370px,calc(100vw - 24px));
height:min(580px,calc(100vh - 108px));display:flex;flex-direction:column;background:#fff;border-radius:12px;
box-shadow:0 10px 36px rgba(0,0,0,.25);overflow:hidden}
@media (max-width:480px){.panel{inset:0;width:auto;height:auto;border-radius:0}}
.head{display:flex;align-items:center;gap:8px;padding:12px 14px;background:#1d4ed8;color:#fff}
.head h2{margin:0;font-size:16px;font-weight:600;flex:1;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.status{display:flex;align-items:center;gap:6px;font-size:13px}
.light{width:9px;height:9px;border-radius:50%;background:#9ca3af;border:1px solid #fff}
.light.on{background:#22c55e}
.icon{border:0;background:transparent;color:inherit;width:32px;height:32px;border-radius:6px;display:grid;place-items:center;padding:0}
.icon:hover{background:rgba(255,255,255,.15)}
.head .icon:focus-visible{outline-color:#fff}
.bar{padding:6px 8px 0}
:host([dir=rtl]) .flip svg{transform:scaleX(-1)}
.body{flex:1;display:flex;flex-direction:column;min-height:0}
.alert{margin:8px 12px 0;padding:8px 10px;border-radius:6px;background:#fef2f2;color:#991b1b;border:1px solid #fecaca}
.pad{padding:14px;overflow:auto;flex:1}
.note{color:#4b5563;margin:0 0 12px}
h3{font-size:14px;margin:0 0 8px}
.list{list-style:none;margin:0 0 12px;padding:0}
.item{display:flex;gap:8px;width:100%;text-align:start;border:1px solid #e5e7eb;background:#fff;border-radius:8px;padding:10px;margin-block-end:8px}
.item:hover{background:#f9fafb}
.item span{flex:1;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.item small{color:#4b5563}
.count{background:#1d4ed8;color:#fff;border-radius:10px;padding:0 7px;font-size:12px;align-self:center}
.primary{border:0;border-radius:8px;background:#1d4ed8;color:#fff;padding:9px 14px;font-weight:600}
.primary:hover{background:#1e40af}
.primary[disabled]{cursor:progress}
.field{display:flex;flex-direction:column;gap:4px;margin-block-end:12px}
.field label{font-weight:600;font-size:13px}
input,textarea{border:1px solid #6b7280;border-radius:6px;padding:8px;background:#fff;width:100%}
textarea{resize:none}
.thread{flex:1;overflow:auto;padding:12px;display:flex;flex-direction:column;gap:6px}
.msg{max-width:80%;padding:7px 10px;border-radius:12px;background:#f3f4f6;color:#111827;align-self:flex-start;
white-space:pre-wrap;overflow-wrap:anywhere}
.msg.mine{align-self:flex-end;background:#1d4ed8;color:#fff}
.msg.mine a{color:#fff}
.msg a{color:#1d4ed8}
.msg time,.msg .state{display:block;font-size:11px;opacity:.85;margin-block-start:2px}
.link{border:0;background:transparent;color:#1d4ed8;text-decoration:underline;padding:4px;align-self:center;font-size:13px}
.msg .retry{margin-block-start:4px;padding:2px 8px;border:1px solid currentColor;border-radius:6px;background:transparent;font-size:12px}
.msg img{display:block;max-width:100%;border-radius:6px;margin-block-start:4px}
.typing{min-height:20px;padding:0 12px;color:#4b5563;font-size:13px}
.composer{border-block-start:1px solid #e5e7eb;padding:8px 10px}
.row{display:flex;gap:6px;align-items:flex-end}
.row textarea{flex:1;max-height:120px}
.composer .icon{color:#1d4ed8}
.composer .icon:hover{background:#eff6ff}
.files{display:flex;flex-wrap:wrap;gap:6px;list-style:none;margin:0 0 6px;padding:0}
.chip{display:flex;align-items:center;gap:4px;background:#eff6ff;color:#1e3a8a;border-radius:12px;padding-block:2px;padding-inline:10px 4px;font-size:12px}
.chip .icon{width:24px;height:24px}
`
