// Dates and times in the viewer's language and time zone: Solar Hijri pickers in fa, ISO
// strings in and out, relative times for lists, and the time-zone picker.
export { DatePicker, type DatePickerProps } from './DatePicker'
export { DateRangeFilter, type DateRangeFilterProps } from './DateRangeFilter'
export { DateRangePicker, type DateRangePickerProps } from './DateRangePicker'
export { DateLocale, dateLocale } from './locale'
export { daysToInstants, endOfDayIso, instantsToDays, startOfDayIso, type DayRange, type IsoRange } from './range'
export { RelativeTime, useMinuteClock } from './RelativeTime'
export { TimeInput, type TimeInputProps } from './TimeInput'
export { TimeZonePicker, type TimeZonePickerProps } from './TimeZonePicker'
