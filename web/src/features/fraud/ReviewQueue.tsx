// /console/fraud/reviews: the fraud review queue. Each operation the rules sent to a person (what,
// who, how much, the score and every reason in words, when), open ones first by default; the
// other reviews by status. Details opens the assessment (its facts, reasons and review); Approve
// takes an optional note, Reject a required one and can put the assessment's facts on the
// blocklist. The list is read again every 30 s. Two admins deciding at once: the second is told
// (409 fraud_review_decided) what the first decided, and the list is read again.
import type { FraudAssessment } from '@caravan/sdk'
import { CaravanError } from '@caravan/sdk'
import { useEffect, useRef, useState } from 'react'
import { Controller } from 'react-hook-form'
import { queryClient } from '../../data/queryClient'
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { Alert, Button, Checkbox, Dialog, Drawer, Form, FormTextAreaField, SelectField, SubmitButton, useServerForm } from '../../ui'
import { StatusMessage, useMessage, type Say } from '../../ui/messages'
import { DataTable, useUrlState, type Column } from '../../ui/table'
import { client } from '../auth/session'
import { PersonById } from '../notifications/console/Person'
import { useIdempotencyKey } from '../payments/idempotency'
import { useMoney } from '../payments/useMoney'
import { Page } from '../shell/Page'
import {
  BLOCKLIST_KINDS,
  FACT_OF_KIND,
  fraudCode,
  ReasonList,
  REVIEW_STATUSES,
  ReviewStatusBadge,
  type BlocklistKind,
  type ReviewStatus,
} from './labels'
import { fraudKeys, useAssessment, useDecideReview } from './queries'
import '../payments/payments.css'
import './fraud.css'

const ALL = 'all'
/** The queue has no live events (a demoted admin's socket would keep hearing them): it is read again this often. */
const POLL_MS = 30_000

/** What a row is called in a button's name and a dialog's title: "Transfer between wallets", "5,000 Toman", the date. */
function useNamed() {
  const { t, formatDate } = useI18n()
  const { money } = useMoney()
  return (a: FraudAssessment) => ({
    operation: t(`fraud.operation.${a.operation}`),
    amount: money(a.amount, a.currency),
    date: formatDate(a.createdAt),
  })
}

/** After a dialog closes over a row that is gone (decided, so off the open list), the heading takes focus. */
function focusHeadingIfLost() {
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      if (!document.activeElement || document.activeElement === document.body) document.querySelector<HTMLElement>('main h1')?.focus()
    }),
  )
}

export function ReviewQueue() {
  const { t, formatDate } = useI18n()
  const { money } = useMoney()
  const named = useNamed()
  const [filter, setFilter] = useUrlState({ status: 'open' }, { status: (v) => v === ALL || (REVIEW_STATUSES as string[]).includes(v) })
  const status = filter.status === ALL ? undefined : (filter.status as ReviewStatus)
  const [message, setMessage] = useMessage()
  const [deciding, setDeciding] = useState<{ assessment: FraudAssessment; approve: boolean } | null>(null)
  const [open, setOpen] = useState<FraudAssessment | null>(null)
  useEffect(() => {
    const timer = setInterval(() => void queryClient.invalidateQueries({ queryKey: ['fraud', 'reviews'] }), POLL_MS)
    return () => clearInterval(timer)
  }, [])

  const columns: Column<FraudAssessment>[] = [
    {
      id: 'operation',
      header: t('fraud.queue.operation'),
      primary: true,
      cell: (a) => t(`fraud.operation.${a.operation}`),
    },
    { id: 'customer', header: t('fraud.queue.customer'), cell: (a) => <PersonById id={a.userId} /> },
    {
      id: 'amount',
      header: t('fraud.queue.amount'),
      cell: (a) => <span className="fraud-amount">{money(a.amount, a.currency)}</span>,
    },
    {
      id: 'score',
      header: t('fraud.queue.score'),
      sortValue: (a) => a.score,
      cell: (a) => <span className="fraud-amount">{t('fraud.queue.scoreOf', { score: a.score, max: 100 })}</span>,
    },
    { id: 'reasons', header: t('fraud.queue.reasons'), cell: (a) => <ReasonList reasons={a.reasons} compact /> },
    {
      id: 'date',
      header: t('fraud.queue.date'),
      sortValue: (a) => a.createdAt,
      cell: (a) => <time dateTime={a.createdAt}>{formatDate(a.createdAt)}</time>,
    },
    ...(status === 'open'
      ? []
      : [
          {
            id: 'review',
            header: t('fraud.queue.review'),
            cell: (a: FraudAssessment) =>
              a.review && (
                <span>
                  <ReviewStatusBadge status={a.review.status} />
                  {a.review.decidedAt && <span className="secondary-line">{formatDate(a.review.decidedAt)}</span>}
                  {a.review.note && (
                    <span className="secondary-line">
                      <bdi>{a.review.note}</bdi>
                    </span>
                  )}
                </span>
              ),
          },
        ]),
  ]

  const ask = (assessment: FraudAssessment, approve: boolean) => {
    setMessage(null)
    setDeciding({ assessment, approve })
  }
  const done = (say: Say) => {
    setDeciding(null)
    setOpen(null)
    setMessage(say)
    focusHeadingIfLost()
  }

  return (
    <Page title={t('fraud.queue.title')} intro={t('fraud.queue.intro')}>
      <StatusMessage message={message} />
      <DataTable
        caption={t('fraud.queue.title')}
        columns={columns}
        queryKey={fraudKeys.reviews({ status })}
        fetchPage={({ cursor, signal }) => client.admin.fraud.reviews({ status, cursor, limit: 25 }, { signal })}
        getRowId={(a) => a.id}
        empty={<p className="empty">{status === 'open' ? t('fraud.queue.emptyOpen') : t('fraud.queue.empty')}</p>}
        filters={
          <div role="search" aria-label={t('fraud.queue.filters')} className="filters-grid pay-filters">
            <SelectField
              label={t('fraud.queue.status')}
              value={filter.status}
              onChange={(v) => setFilter({ status: v ?? 'open' })}
              options={[
                ...REVIEW_STATUSES.map((s) => ({ id: s, label: t(`fraud.status.${s}`) })),
                { id: ALL, label: t('fraud.queue.allStatuses') },
              ]}
            />
          </div>
        }
        rowActions={(a) => (
          <>
            <Button
              size="small"
              variant="secondary"
              aria-label={t('fraud.queue.detailsNamed', named(a))}
              onPress={() => {
                setMessage(null)
                setOpen(a)
              }}
            >
              {t('fraud.queue.details')}
            </Button>
            {a.review?.status === 'open' && (
              <>
                <Button size="small" aria-label={t('fraud.queue.approveNamed', named(a))} onPress={() => ask(a, true)}>
                  {t('fraud.queue.approve')}
                </Button>
                <Button size="small" variant="danger" aria-label={t('fraud.queue.rejectNamed', named(a))} onPress={() => ask(a, false)}>
                  {t('fraud.queue.reject')}
                </Button>
              </>
            )}
          </>
        )}
      />
      {open && (
        <Drawer
          isOpen
          className="fraud-sheet"
          onOpenChange={(isOpen) => !isOpen && setOpen(null)}
          title={t('fraud.detail.title', named(open))}
        >
          <AssessmentDetail initial={open} onDecide={(assessment, approve) => ask(assessment, approve)} />
        </Drawer>
      )}
      {deciding && (
        <DecideDialog assessment={deciding.assessment} approve={deciding.approve} onClose={() => setDeciding(null)} onDone={done} />
      )}
    </Page>
  )
}

/** Who a principal key names: "user:<id>" as the person, anything else as it is. */
function Principal({ value }: { value: string }) {
  if (value.startsWith('user:')) return <PersonById id={value.slice('user:'.length)} />
  return <code dir="ltr">{value}</code>
}

/** Where the operation an assessment is about can be seen. */
function refLink(a: FraudAssessment): { to: string; label: 'openPayment' | 'openTransfer' | 'openWithdrawals' } | null {
  if (!a.ref) return null
  const ref = encodeURIComponent(a.ref)
  if (a.operation === 'payment' || a.operation === 'payment_capture') return { to: `/console/payments/${ref}`, label: 'openPayment' }
  if (a.operation === 'transfer') return { to: `/console/wallet/ledger/transfers/${ref}`, label: 'openTransfer' }
  if (a.operation === 'withdrawal') return { to: '/console/wallet/withdrawals?status=all', label: 'openWithdrawals' }
  return null
}

/** One assessment: what it is about, its reasons, the facts the rules saw, and its review. Read again when opened. */
function AssessmentDetail({ initial, onDecide }: { initial: FraudAssessment; onDecide: (a: FraudAssessment, approve: boolean) => void }) {
  const { t, formatDate } = useI18n()
  const { money } = useMoney()
  const named = useNamed()
  const fresh = useAssessment(initial.id)
  const a = fresh.data ?? initial
  const unknown = <span className="muted">{t('fraud.detail.unknown')}</span>
  const fact = (value: string | null) =>
    value ? (
      <bdi dir="ltr" className="wrap-anywhere">
        {value}
      </bdi>
    ) : (
      unknown
    )
  const link = refLink(a)
  const caller =
    a.actor === `user:${a.userId}` ? (
      t('fraud.detail.callerSelf')
    ) : a.actor.startsWith('apiKey:') ? (
      t('fraud.detail.callerApiKey')
    ) : a.actor === 'system' ? (
      t('fraud.detail.callerSystem')
    ) : (
      <Principal value={a.actor} />
    )
  return (
    <div className="fraud-detail">
      <dl className="facts compact">
        <div>
          <dt>{t('fraud.queue.customer')}</dt>
          <dd>
            <PersonById id={a.userId} />
          </dd>
        </div>
        <div>
          <dt>{t('fraud.queue.amount')}</dt>
          <dd>{money(a.amount, a.currency)}</dd>
        </div>
        <div>
          <dt>{t('fraud.queue.date')}</dt>
          <dd>
            <time dateTime={a.createdAt}>{formatDate(a.createdAt)}</time>
          </dd>
        </div>
        <div>
          <dt>{t('fraud.queue.score')}</dt>
          <dd>
            {t('fraud.queue.scoreOf', { score: a.score, max: 100 })} · {t(`fraud.decision.${a.decision}`)}
          </dd>
        </div>
        <div>
          <dt>{t('fraud.detail.ref')}</dt>
          <dd>
            {a.ref ? (
              <>
                <code dir="ltr" className="wrap-anywhere">
                  {a.ref}
                </code>
                {link && (
                  <span className="secondary-line">
                    <Link to={link.to}>{t(`fraud.detail.${link.label}`)}</Link>
                  </span>
                )}
              </>
            ) : (
              unknown
            )}
          </dd>
        </div>
        <div>
          <dt>{t('fraud.detail.caller')}</dt>
          <dd>{caller}</dd>
        </div>
        <div>
          <dt>{t('fraud.detail.rulesVersion')}</dt>
          <dd>{t('fraud.detail.version', { version: a.rulesVersion })}</dd>
        </div>
      </dl>

      <h3>{t('fraud.detail.reasons')}</h3>
      <ReasonList reasons={a.reasons} />

      <h3>{t('fraud.detail.facts')}</h3>
      <dl className="facts compact">
        <div>
          <dt>{t('fraud.detail.ip')}</dt>
          <dd>{fact(a.ip)}</dd>
        </div>
        <div>
          <dt>{t('fraud.detail.device')}</dt>
          <dd>{fact(a.deviceId)}</dd>
        </div>
        <div>
          <dt>{t('fraud.detail.emailDomain')}</dt>
          <dd>{fact(a.emailDomain)}</dd>
        </div>
        <div>
          <dt>{t('fraud.detail.country')}</dt>
          <dd>{fact(a.country)}</dd>
        </div>
        <div>
          <dt>{t('fraud.detail.card')}</dt>
          <dd>{fact(a.cardFingerprint)}</dd>
        </div>
      </dl>

      {a.review && (
        <>
          <h3>{t('fraud.detail.review')}</h3>
          <dl className="facts compact">
            <div>
              <dt>{t('fraud.detail.status')}</dt>
              <dd>
                <ReviewStatusBadge status={a.review.status} />
              </dd>
            </div>
            {a.review.decidedBy && (
              <div>
                <dt>{t('fraud.detail.decidedBy')}</dt>
                <dd>
                  <Principal value={a.review.decidedBy} />
                </dd>
              </div>
            )}
            {a.review.decidedAt && (
              <div>
                <dt>{t('fraud.detail.decidedAt')}</dt>
                <dd>
                  <time dateTime={a.review.decidedAt}>{formatDate(a.review.decidedAt)}</time>
                </dd>
              </div>
            )}
            {a.review.note && (
              <div>
                <dt>{t('fraud.detail.note')}</dt>
                <dd>
                  <bdi>{a.review.note}</bdi>
                </dd>
              </div>
            )}
          </dl>
          {a.review.status === 'open' && (
            <div className="row-actions">
              <Button aria-label={t('fraud.queue.approveNamed', named(a))} onPress={() => onDecide(a, true)}>
                {t('fraud.queue.approve')}
              </Button>
              <Button variant="danger" aria-label={t('fraud.queue.rejectNamed', named(a))} onPress={() => onDecide(a, false)}>
                {t('fraud.queue.reject')}
              </Button>
            </div>
          )}
        </>
      )}
    </div>
  )
}

interface DecideValues {
  note: string
  block: BlocklistKind[]
}

/**
 * Approve (an optional note) or reject (a required note; the facts to list). A 409 says what the
 * other admin decided, read from the server, and leaves only Close.
 */
function DecideDialog({
  assessment: a,
  approve,
  onClose,
  onDone,
}: {
  assessment: FraudAssessment
  approve: boolean
  onClose: () => void
  onDone: (say: Say) => void
}) {
  const { t } = useI18n()
  const named = useNamed()
  const decide = useDecideReview()
  const keys = useIdempotencyKey()
  const [decided, setDecided] = useState<ReviewStatus | 'unknown' | null>(null)
  const close = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (decided) close.current?.focus()
  }, [decided])
  const name = named(a)
  const facts = BLOCKLIST_KINDS.flatMap((kind) => {
    const value = a[FACT_OF_KIND[kind]]
    return value ? [{ kind, value }] : []
  })
  const form = useServerForm<DecideValues>({
    defaultValues: { note: '', block: [] },
    onSubmit: async ({ note, block }) => {
      const input = { ...(note.trim() ? { note: note.trim() } : {}), ...(!approve && block.length ? { block } : {}) }
      try {
        await decide.mutateAsync({ id: a.id, approve, input, idempotencyKey: keys.keyFor({ id: a.id, approve, input }) })
      } catch (error) {
        // The server answered (a 4xx is stored under its key): the next try is a new request.
        if (error instanceof CaravanError && error.status > 0) keys.done()
        if (fraudCode(error) === 'fraud_review_decided') {
          const fresh = await client.admin.fraud.assessment(a.id).catch(() => null)
          setDecided(fresh?.review?.status ?? 'unknown')
          return
        }
        throw error
      }
      keys.done()
      onDone(approve ? (t) => t('fraud.decide.approved', name) : (t) => t('fraud.decide.rejected', name))
    },
  })
  const withdrawal = a.operation === 'withdrawal'
  const body = approve
    ? withdrawal
      ? t('fraud.approve.bodyWithdrawal')
      : t('fraud.approve.bodyDone')
    : withdrawal
      ? t('fraud.reject.bodyWithdrawal')
      : t('fraud.reject.bodyDone')
  return (
    <Dialog
      title={t(approve ? 'fraud.approve.title' : 'fraud.reject.title', name)}
      isOpen
      onOpenChange={(isOpen) => !isOpen && onClose()}
      className="fraud-dialog"
    >
      <Form
        form={form}
        actions={
          <div className="dialog-actions">
            {decided ? (
              <Button ref={close} variant="secondary" onPress={onClose}>
                {t('fraud.decide.close')}
              </Button>
            ) : (
              <>
                <SubmitButton variant={approve ? 'primary' : 'danger'}>
                  {t(approve ? 'fraud.queue.approve' : 'fraud.queue.reject')}
                </SubmitButton>
                <Button variant="secondary" onPress={onClose}>
                  {t('common.cancel')}
                </Button>
              </>
            )}
          </div>
        }
      >
        {!decided && (
          <>
            <p>{body}</p>
            <FormTextAreaField
              control={form.control}
              name="note"
              label={approve ? t('fraud.decide.note') : t('fraud.decide.reason')}
              description={t('fraud.decide.noteHint')}
              optional={approve}
              isRequired={!approve}
              dir="auto"
              rows={3}
              rules={{
                validate: (text) =>
                  String(text ?? '').length > 500
                    ? t('fraud.decide.noteInvalid')
                    : approve || String(text ?? '').trim().length > 0 || t('fraud.decide.reasonInvalid'),
              }}
            />
            {!approve && facts.length > 0 && (
              <Controller
                control={form.control}
                name="block"
                render={({ field }) => (
                  <fieldset className="checks">
                    <legend>{t('fraud.decide.block')}</legend>
                    {facts.map(({ kind, value }, i) => (
                      <Checkbox
                        key={kind}
                        label={
                          <>
                            {t(`fraud.kind.${kind}`)}:{' '}
                            <bdi dir="ltr" className="wrap-anywhere">
                              {value}
                            </bdi>
                          </>
                        }
                        isSelected={field.value.includes(kind)}
                        inputRef={i === 0 ? field.ref : undefined}
                        onChange={(on) => field.onChange(on ? [...field.value, kind] : field.value.filter((k) => k !== kind))}
                      />
                    ))}
                    <p className="hint">{t('fraud.decide.blockHint')}</p>
                  </fieldset>
                )}
              />
            )}
          </>
        )}
        {decided && (
          <Alert tone="error">
            <p>{t('fraud.decide.decided', { status: decided })}</p>
          </Alert>
        )}
      </Form>
    </Dialog>
  )
}
