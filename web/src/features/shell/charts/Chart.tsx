// Small SVG charts for the dashboards (support, payments), drawn at the width they are given (measured), so their text
// stays readable on a phone. Two shapes: a time chart (days across, values up; series as lines or
// columns) and a category chart (one row per group: its name above its bars). Both run from the
// reading side: right to left in Persian. Each is a <figure> whose SVG is one image with a summary
// in words (aria-label); the numbers themselves are in the table under the charts. Colours are
// theme tokens, and series differ in more than colour (dashed line, outlined bars).
import { useLayoutEffect, useState, type ReactNode } from 'react'
import { useI18n } from '../../../i18n'
import { bandCentres, labelEvery, niceTicks, scaleLinear } from './scale'
import './charts.css'

export interface Series {
  name: string
  values: (number | null)[]
  kind: 'line' | 'bar'
  /** The second series of a chart is drawn dashed (a line) or outlined (a bar). */
  tone: 'primary' | 'secondary'
}

export interface ChartProps {
  title: string
  /** What the chart shows, in a sentence or two: the image's text alternative. */
  summary: string
  /** One label per point (a day, an agent…); `short` is printed on a crowded axis. */
  categories: { label: string; short?: string }[]
  series: Series[]
  orientation: 'time' | 'category'
  /** A value as printed on the axis and beside a bar. */
  format: (value: number) => string
  /** Whole numbers only on the value axis (counts). */
  integer?: boolean
  /** The value axis reaches at least this (1 for a rate, so 75% is not drawn at the top). */
  axisMax?: number
  /** Shown instead of the chart when there is nothing to draw. */
  empty: string
  /** Whether there is anything to draw; by default, whether any value is there (0 is a value). */
  hasData?: boolean
}

const TIME_HEIGHT = 220
const ROW = { label: 18, bar: 12, gap: 14 }

export function Chart(props: ChartProps) {
  const { title, summary, series, categories, empty } = props
  const [element, setElement] = useState<HTMLDivElement | null>(null)
  const width = useWidth(element)
  const hasData = categories.length > 0 && (props.hasData ?? series.some((s) => s.values.some((v) => v !== null)))
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {series.length > 1 && <Legend series={series} />}
      <div ref={setElement} className="chart-frame">
        {!hasData ? (
          <p className="muted">{empty}</p>
        ) : width > 0 ? (
          props.orientation === 'time' ? (
            <TimeChart {...props} width={width} />
          ) : (
            <CategoryChart {...props} width={width} />
          )
        ) : null}
      </div>
      {/* Read by screen readers even before the chart has been measured. */}
      {hasData && width === 0 && <p className="visually-hidden">{summary}</p>}
    </figure>
  )
}

function Legend({ series }: { series: Series[] }) {
  return (
    <ul className="chart-legend" aria-hidden="true">
      {series.map((s) => (
        <li key={s.name}>
          <svg width="24" height="12" focusable="false">
            {s.kind === 'line' ? (
              <line x1="1" y1="6" x2="23" y2="6" className={`chart-line chart-${s.tone}`} />
            ) : (
              <rect x="6" y="1" width="12" height="10" className={`chart-bar chart-${s.tone}`} />
            )}
          </svg>
          {s.name}
        </li>
      ))}
    </ul>
  )
}

/** The element's width in CSS pixels, kept current (0 until it is laid out). */
function useWidth(element: HTMLElement | null): number {
  const [width, setWidth] = useState(0)
  useLayoutEffect(() => {
    if (!element) return
    const measure = () => setWidth(Math.floor(element.clientWidth))
    measure()
    if (typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(measure)
    observer.observe(element)
    return () => observer.disconnect()
  }, [element])
  return width
}

function Svg({ width, height, summary, children }: { width: number; height: number; summary: string; children: ReactNode }) {
  const { locale } = useI18n()
  return (
    <svg
      role="img"
      aria-label={summary}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      direction={locale === 'fa' ? 'rtl' : 'ltr'}
      className="chart-svg"
    >
      {children}
    </svg>
  )
}

function TimeChart({ summary, categories, series, format, integer, axisMax, width }: ChartProps & { width: number }) {
  const { locale } = useI18n()
  const rtl = locale === 'fa'
  const max = Math.max(axisMax ?? 0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)))
  const ticks = niceTicks(max, 4, integer)
  const axis = Math.max(...ticks.map((v) => format(v).length)) * 7 + 10
  const pad = { top: 10, bottom: 28, start: axis, end: 10 }
  const [left, right] = rtl ? [pad.end, width - pad.start] : [pad.start, width - pad.end]
  const y = scaleLinear(0, ticks[ticks.length - 1], TIME_HEIGHT - pad.bottom, pad.top)
  // Days run from the reading side: the first day on the right in Persian.
  const xs = bandCentres(categories.length, rtl ? right : left, rtl ? left : right)
  const band = (right - left) / Math.max(categories.length, 1)
  const every = labelEvery(categories.length, Math.max(1, Math.floor((right - left) / 64)))
  const bars = series.filter((s) => s.kind === 'bar')
  const barWidth = Math.max(2, Math.min(24, (band * 0.7) / Math.max(bars.length, 1)))
  const axisX = rtl ? right + 6 : left - 6
  return (
    <Svg width={width} height={TIME_HEIGHT} summary={summary}>
      {ticks.map((tick) => (
        <g key={tick}>
          <line x1={left} x2={right} y1={y(tick)} y2={y(tick)} className="chart-grid" />
          <text x={axisX} y={y(tick)} dy="0.35em" textAnchor="end" className="chart-axis">
            {format(tick)}
          </text>
        </g>
      ))}
      {categories.map((c, i) =>
        i % every === 0 || i === categories.length - 1 ? (
          <text key={i} x={xs[i]} y={TIME_HEIGHT - 8} textAnchor="middle" className="chart-axis">
            {c.short ?? c.label}
          </text>
        ) : null,
      )}
      {bars.map((s, k) =>
        s.values.map((v, i) =>
          v === null ? null : (
            <rect
              key={`${s.name}-${i}`}
              x={xs[i] - (barWidth * bars.length) / 2 + (rtl ? bars.length - 1 - k : k) * barWidth}
              y={y(v)}
              width={Math.max(1, barWidth - 1)}
              height={Math.max(0, y(0) - y(v))}
              className={`chart-bar chart-${s.tone}`}
            >
              <title>{`${categories[i].label}: ${format(v)}`}</title>
            </rect>
          ),
        ),
      )}
      {series
        .filter((s) => s.kind === 'line')
        .map((s) => (
          <g key={s.name}>
            <path
              d={linePath(
                xs,
                s.values.map((v) => (v === null ? null : y(v))),
              )}
              className={`chart-line chart-${s.tone}`}
            />
            {s.values.map((v, i) =>
              v === null ? null : (
                <circle key={i} cx={xs[i]} cy={y(v)} r={categories.length > 40 ? 1.5 : 3} className={`chart-point chart-${s.tone}`}>
                  <title>{`${categories[i].label} — ${s.name}: ${format(v)}`}</title>
                </circle>
              ),
            )}
          </g>
        ))}
      <line x1={left} x2={right} y1={y(0)} y2={y(0)} className="chart-baseline" />
    </Svg>
  )
}

/** An SVG path through the points, broken where a value is missing. */
export function linePath(xs: number[], ys: (number | null)[]): string {
  let d = ''
  let drawing = false
  ys.forEach((y, i) => {
    if (y === null) {
      drawing = false
      return
    }
    d += `${drawing ? 'L' : 'M'}${round(xs[i])},${round(y)}`
    drawing = true
  })
  return d
}

const round = (n: number) => Math.round(n * 10) / 10

function CategoryChart({ summary, categories, series, format, integer, axisMax, width }: ChartProps & { width: number }) {
  const { locale } = useI18n()
  const rtl = locale === 'fa'
  const max = Math.max(axisMax ?? 0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)))
  const top = niceTicks(max, 4, integer).at(-1)!
  const valueRoom = Math.max(...series.flatMap((s) => s.values.map((v) => (v === null ? 0 : format(v).length)))) * 7 + 12
  const [start, end] = rtl ? [width - 2, valueRoom] : [2, width - valueRoom]
  const x = scaleLinear(0, top, start, end)
  const rowHeight = ROW.label + series.length * ROW.bar + ROW.gap
  const height = categories.length * rowHeight
  return (
    <Svg width={width} height={height} summary={summary}>
      {categories.map((c, i) => {
        const y0 = i * rowHeight
        return (
          <g key={i}>
            {/* Start-anchored: with the SVG's direction, the label begins on the reading side. */}
            <text x={start} y={y0 + ROW.label - 5} textAnchor="start" className="chart-label">
              {c.label}
            </text>
            {series.map((s, k) => {
              const v = s.values[i]
              const yb = y0 + ROW.label + k * ROW.bar
              if (v === null) return null
              const length = Math.abs(x(v) - x(0))
              return (
                <g key={s.name}>
                  <rect
                    x={rtl ? start - length : start}
                    y={yb}
                    width={Math.max(length, 1)}
                    height={ROW.bar - 2}
                    className={`chart-bar chart-${s.tone}`}
                  >
                    <title>{`${c.label} — ${s.name}: ${format(v)}`}</title>
                  </rect>
                  <text
                    x={rtl ? start - length - 4 : start + length + 4}
                    y={yb + ROW.bar / 2 - 1}
                    dy="0.35em"
                    textAnchor="start"
                    className="chart-value"
                  >
                    {format(v)}
                  </text>
                </g>
              )
            })}
          </g>
        )
      })}
    </Svg>
  )
}
