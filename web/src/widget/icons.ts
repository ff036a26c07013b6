// The widget's few icons (their path data; embed-kit/icons builds them).
import { icon } from '../embed-kit/icons'

export { iconButton } from '../embed-kit/icons'

export const chatIcon = () => icon('M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-5 4V6a2 2 0 0 1 1-2zm3 5v2h10V9zm0 4v2h7v-2z')
export const closeIcon = () => icon('M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z')
export const sendIcon = () => icon('M3 20.5V14l9-2-9-2V3.5L22 12z')
export const attachIcon = () =>
  icon(
    'M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z',
  )
export const backIcon = () => icon('M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20z')
