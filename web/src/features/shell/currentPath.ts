/**
 * The entry of `paths` that the page at `pathname` belongs to: the longest one that is the path
 * itself or a folder above it, so /console/notifications/types/x keeps "Notification types"
 * (/console/notifications) marked rather than nothing. "/" only matches itself.
 */
export function currentPath(paths: string[], pathname: string): string | undefined {
  return paths.filter((p) => pathname === p || (p !== '/' && pathname.startsWith(`${p}/`))).sort((a, b) => b.length - a.length)[0]
}
