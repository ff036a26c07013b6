// The support module's public face: its service (the widget and the email channel open tickets
// through it) and its routes.
export { createSupportService, type SupportService, type SupportDeps } from './service'
export { supportRoutes, supportSchemas, supportTags } from './routes'
