// Chat's line icons (24×24, stroked in the text colour). Decorative: the control carries the name.
const PATHS = {
  send: 'M4 12l16-8-6 16-2-7-8-1z',
  attach: 'M20 11.5l-8.1 8.1a5 5 0 0 1-7.1-7.1l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8',
  reply: 'M10 8V4l-7 7 7 7v-4c5 0 8.5 1.5 11 5-1-5-4-10-11-11z',
  edit: 'M4 20h4L19 9l-4-4L4 16v4zM14 6l4 4',
  trash: 'M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3',
  smile: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM8.5 14a4.5 4.5 0 0 0 7 0M9 9.5h.01M15 9.5h.01',
  back: 'M15 18l-6-6 6-6',
  check: 'M4 12.5l5 5L20 6.5',
  checks: 'M2 12.5l5 5L18 6.5M11 16.5l1 1L22.5 6.5',
  clock: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 7v5l3 2',
  alert: 'M12 3L2 20h20L12 3zM12 10v4M12 17h.01',
  file: 'M14 3H6v18h12V7l-4-4zM14 3v4h4',
  plus: 'M12 5v14M5 12h14',
  close: 'M6 6l12 12M18 6L6 18',
  down: 'M6 9l6 6 6-6',
  info: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 11v5M12 8h.01',
  flag: 'M5 21V4M5 4h11l-2 4 2 4H5',
} as const

export type ChatIconName = keyof typeof PATHS

export function ChatIcon({ name, size = 20, mirror }: { name: ChatIconName; size?: number; mirror?: boolean }) {
  return (
    <svg
      aria-hidden="true"
      focusable="false"
      className={mirror ? 'icon chat-icon mirror' : 'icon chat-icon'}
      viewBox="0 0 24 24"
      width={size}
      height={size}
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={PATHS[name]} />
    </svg>
  )
}
