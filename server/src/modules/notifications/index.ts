// The notifications module's public face: its service (for other modules) and its routes.
export { createNotificationsService, type NotificationsService } from './service'
export { notificationsRoutes } from './routes'
export { notificationSchemas, notificationTags } from './schemas'
export { providerFactories } from './provider-factories'
