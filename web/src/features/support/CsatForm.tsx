// "How did we do?": the customer rates a solved ticket once, 1 to 5 (a radio group, each choice
// named in words, not only by its stars), with an optional comment. The notification's link
// (?rate=1) brings focus straight to the choices. Once rated, the rating shows instead.
import type { Ticket } from '@caravan/sdk'
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { useI18n } from '../../i18n'
import { Button, TextAreaField } from '../../ui'
import { asCaravanError } from '../../ui/messages'
import { supportProblem } from './problems'
import { useRate } from './queries'

const RATINGS = [1, 2, 3, 4, 5] as const

function Stars({ rating }: { rating: number }) {
  return (
    <span className="sup-stars" aria-hidden="true">
      {RATINGS.map((n) => (n <= rating ? '★' : '☆')).join('')}
    </span>
  )
}

/** The rating given: stars, and the same in words. */
export function CsatResult({ csat, focus }: { csat: NonNullable<Ticket['csat']>; focus?: boolean }) {
  const { t, formatNumber } = useI18n()
  // Just rated here: the form (and its button, which had focus) is gone, so focus comes here.
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    if (focus) heading.current?.focus()
  }, [focus])
  return (
    <section className="card sup-csat" aria-labelledby="sup-csat-done">
      <h2 id="sup-csat-done" ref={heading} tabIndex={-1}>
        {t('support.rated')}
      </h2>
      <p>
        <Stars rating={csat.rating} />{' '}
        {t('support.ratedAs', { rating: formatNumber(csat.rating), label: t(`support.rating.${csat.rating as (typeof RATINGS)[number]}`) })}
      </p>
      {csat.comment && (
        <blockquote className="sup-csat-comment" dir="auto">
          {csat.comment}
        </blockquote>
      )}
    </section>
  )
}

export function CsatForm({ ticketId, focus, onRated }: { ticketId: string; focus: boolean; onRated: () => void }) {
  const { t, formatNumber } = useI18n()
  const name = useId()
  const rate = useRate(ticketId)
  const [rating, setRating] = useState<number | null>(null)
  const [comment, setComment] = useState('')
  const [missing, setMissing] = useState(false)
  const first = useRef<HTMLInputElement>(null)

  useEffect(() => {
    if (!focus) return
    first.current?.focus()
    first.current?.scrollIntoView({ block: 'center' })
  }, [focus])

  function submit(event: FormEvent) {
    event.preventDefault()
    if (rating === null) {
      setMissing(true)
      first.current?.focus()
      return
    }
    rate.mutate({ rating, ...(comment.trim() ? { comment: comment.trim() } : {}) }, { onSuccess: onRated })
  }

  const errorId = `${name}-error`
  return (
    <section className="card sup-csat" aria-labelledby="sup-csat-title">
      <h2 id="sup-csat-title">{t('support.rateTitle')}</h2>
      <form onSubmit={submit} className="form" noValidate>
        <fieldset className="sup-rating" aria-describedby={missing ? errorId : undefined}>
          <legend>{t('support.rateLegend')}</legend>
          <div className="sup-rating-choices">
            {RATINGS.map((n) => (
              <label key={n} className="sup-rating-choice">
                <input
                  ref={n === 1 ? first : undefined}
                  type="radio"
                  name={name}
                  value={n}
                  checked={rating === n}
                  onChange={() => {
                    setRating(n)
                    setMissing(false)
                  }}
                />
                <Stars rating={n} />
                <span>
                  {formatNumber(n)} · {t(`support.rating.${n}`)}
                </span>
              </label>
            ))}
          </div>
          {missing && (
            <p className="field-error" id={errorId}>
              {t('support.rateMissing')}
            </p>
          )}
        </fieldset>
        <TextAreaField
          label={t('support.rateComment')}
          optional
          value={comment}
          onChange={setComment}
          dir="auto"
          rows={3}
          maxLength={2000}
        />
        {rate.error != null && (
          <p className="field-error" role="alert">
            {supportProblem(t, asCaravanError(rate.error))}
          </p>
        )}
        <div className="toolbar">
          <Button type="submit" isPending={rate.isPending}>
            {t('support.rateSend')}
          </Button>
        </div>
      </form>
    </section>
  )
}
