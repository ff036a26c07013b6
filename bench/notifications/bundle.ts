/** Deliveries per notify-deliver job: Caravan's DELIVERY_BUNDLE (server pipeline.ts); the baseline's jobs carry as many. */
export const BUNDLE = 25
