// The inbox's CSS, inside its shadow root: the page's styles cannot reach in and these cannot leak
// out. The host sets the look through CSS variables on the element (docs/integration.md). `all:
// initial` on the host is !important because a page's own !important rules on the element would
// win otherwise. Colours keep text at 4.5:1 or more; logical properties follow RTL.
export const css = `
:host{all:initial!important;display:inline-block!important;position:relative!important;vertical-align:middle;
font:14px/1.5 var(--caravan-inbox-font,system-ui,-apple-system,"Segoe UI",Tahoma,Roboto,"Noto Sans Arabic",sans-serif)!important}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
.root{color:var(--caravan-inbox-text,#1f2937)}
button,a{font:inherit}
button{cursor:pointer;color:inherit}
:focus-visible{outline:2px solid var(--caravan-inbox-accent,#1d4ed8);outline-offset:2px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.bell{position:relative;width:40px;height:40px;border-radius:50%;border:0;background:transparent;
color:var(--caravan-inbox-bell,currentColor);display:grid;place-items:center}
.bell:hover{background:rgba(0,0,0,.06)}
.bell svg{width:24px;height:24px}
.badge{position:absolute;inset-block-start:0;inset-inline-end:0;min-width:18px;height:18px;padding:0 5px;border-radius:9px;
background:var(--caravan-inbox-badge,#b91c1c);color:#fff;font-size:11px;font-weight:700;line-height:18px;text-align:center}
.panel{position:absolute;inset-block-start:calc(100% + 8px);inset-inline-end:0;z-index:2147483000;
width:min(var(--caravan-inbox-width,360px),calc(100vw - 16px));max-height:min(520px,calc(100vh - 80px));display:flex;
flex-direction:column;background:var(--caravan-inbox-bg,#fff);border-radius:var(--caravan-inbox-radius,12px);
box-shadow:0 10px 36px rgba(0,0,0,.22);overflow:hidden}
@media (max-width:480px){.panel{position:fixed;inset-inline:8px;inset-block-start:56px;width:auto}}
.head{display:flex;align-items:center;gap:8px;padding:10px 12px;border-block-end:1px solid #e5e7eb}
.head h2{margin:0;font-size:16px;font-weight:600;flex:1}
.link{border:0;background:none;padding:4px;color:var(--caravan-inbox-accent,#1d4ed8);text-decoration:underline}
.icon{width:32px;height:32px;border-radius:50%;border:0;background:transparent;display:grid;place-items:center;
color:var(--caravan-inbox-muted,#4b5563);flex:none}
.icon:hover{background:#f3f4f6}
.icon svg{width:18px;height:18px}
.state{margin:0;padding:16px 12px;color:var(--caravan-inbox-muted,#4b5563)}
.list{list-style:none;margin:0;padding:0;overflow-y:auto;flex:1}
.item{display:flex;gap:6px;padding:10px 12px;border-block-end:1px solid #f3f4f6}
.item.unread{background:var(--caravan-inbox-unread,#eff6ff)}
.text{flex:1;min-width:0;overflow-wrap:anywhere}
.title{display:inline;margin:0;font-weight:600;color:inherit;text-decoration:none}
a.title:hover{text-decoration:underline}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%;background:var(--caravan-inbox-accent,#1d4ed8);
margin-inline-end:6px;vertical-align:middle}
.body{display:block;margin:2px 0 0;white-space:pre-line}
time{display:block;margin-block-start:2px;font-size:12px;color:var(--caravan-inbox-muted,#4b5563)}
.actions{display:flex;align-items:flex-start}
.foot{display:flex;justify-content:space-between;align-items:center;gap:8px;padding:6px 12px;border-block-start:1px solid #e5e7eb}
`
