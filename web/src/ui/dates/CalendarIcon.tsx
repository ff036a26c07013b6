// The picker button's icon (the kit's Icon set has no calendar); decorative like the others.
export function CalendarIcon() {
  return (
    <svg
      aria-hidden="true"
      focusable="false"
      className="icon"
      viewBox="0 0 24 24"
      width={18}
      height={18}
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d="M4 6h16v14H4zM4 10h16M8 3v4M16 3v4" />
    </svg>
  )
}
