// The support console's days and figures: the shared ones of the dashboards.
export { formatDay, formatDecimal, formatPercent, intlLocale } from '../../shell/charts/format'
