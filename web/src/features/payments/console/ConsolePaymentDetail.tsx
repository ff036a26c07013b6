// /console/payments/:id: one payment for an admin — what it is, the route it took (every gateway
// tried, oldest first, with its outcome and error), its refunds, a banner when it is held for
// review, Refund (in part or in full, with an Idempotency-Key) and Cancel while it is unpaid.
// The page reads the payment again every 2 s while its money or a refund is on its way.
import type { Payment, PaymentAttempt, PaymentDetail, Refund, RefundReason } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n } from '../../../i18n'
import { Link } from '../../../navigation'
import {
  Button,
  ConfirmDialog,
  Dialog,
  Form,
  FormSelectField,
  FormTextAreaField,
  FormTextField,
  ProblemAlert,
  SubmitButton,
  useServerForm,
} from '../../../ui'
import { asCaravanError, StatusMessage, useMessage, type Say } from '../../../ui/messages'
import { PersonById } from '../../notifications/console/Person'
import { Page } from '../../shell/Page'
import { useIdempotencyKey } from '../idempotency'
import { isOpen, ReceiptFacts, REFUND_REASONS, StatusBadge, useGatewayName } from '../labels'
import { displayUnit, subtractMinor } from '../money'
import { useCancelPayment, useDecideRefund, usePayment, useRefundPayment } from '../queries'
import { useMoney } from '../useMoney'
import '../payments.css'
import { QueryPage } from '../../shell/QueryPage'

export function ConsolePaymentDetail({ id }: { id: string }) {
  const { t } = useI18n()
  const detail = usePayment(id)
  return (
    <QueryPage title={t('cpay.detail')} query={detail} back={<BackLink />}>
      {(data) => <Detail detail={data} />}
    </QueryPage>
  )
}

function BackLink() {
  const { t } = useI18n()
  return (
    <p>
      <Link to="/console/payments">{t('cpay.back')}</Link>
    </p>
  )
}

function Detail({ detail }: { detail: PaymentDetail }) {
  const { t, formatDate } = useI18n()
  const { money } = useMoney()
  const gatewayName = useGatewayName()
  const { payment, attempts, refunds } = detail
  const amount = money(payment.amount, payment.currency)
  const [message, setMessage] = useMessage()
  const [refunding, setRefunding] = useState(false)
  const [canceling, setCanceling] = useState(false)
  const cancel = useCancelPayment()
  const remaining = subtractMinor(payment.capturedAmount, payment.refundedAmount)
  const refundable = payment.status === 'succeeded' && BigInt(remaining) > 0n

  return (
    <Page title={t('cpay.detailTitle', { amount })} tabTitle={t('cpay.detail')}>
      <BackLink />
      <StatusMessage message={message} />
      {payment.heldReason && (
        <section className="held-banner" aria-labelledby="held-title">
          <h2 id="held-title">{t('cpay.heldTitle')}</h2>
          <p>{t('cpay.heldBody')}</p>
          <p>
            {t('cpay.heldReason')}{' '}
            <code dir="ltr" lang="en" className="wrap">
              {payment.heldReason}
            </code>
          </p>
        </section>
      )}
      {(refundable || isOpen(payment.status)) && (
        <div className="toolbar">
          {refundable && (
            <Button
              onPress={() => {
                setMessage(null)
                setRefunding(true)
              }}
            >
              {t('cpay.refund')}
            </Button>
          )}
          {isOpen(payment.status) && (
            <Button
              variant="danger"
              onPress={() => {
                setMessage(null)
                cancel.reset()
                setCanceling(true)
              }}
            >
              {t('cpay.cancel')}
            </Button>
          )}
        </div>
      )}

      <section className="card" aria-labelledby="pay-facts">
        <h2 id="pay-facts">{t('cpay.summary')}</h2>
        <dl className="facts">
          <div>
            <dt>{t('pay.status')}</dt>
            <dd>
              <StatusBadge kind="payment" status={payment.status} />
            </dd>
          </div>
          <div>
            <dt>{t('pay.amount')}</dt>
            <dd>{amount}</dd>
          </div>
          <div>
            <dt>{t('cpay.captured')}</dt>
            <dd>{money(payment.capturedAmount, payment.currency)}</dd>
          </div>
          <div>
            <dt>{t('pay.refunded')}</dt>
            <dd>{money(payment.refundedAmount, payment.currency)}</dd>
          </div>
          <div>
            <dt>{t('cpay.customer')}</dt>
            <dd>
              <PersonById id={payment.customerId} />
            </dd>
          </div>
          <div>
            <dt>{t('pay.for')}</dt>
            <dd>
              {t(`purpose.${payment.purpose.type}`)}
              {payment.purpose.ref && (
                <>
                  {' '}
                  <code dir="ltr">{payment.purpose.ref}</code>
                </>
              )}
              {payment.description && payment.purpose.type !== 'wallet_topup' && (
                <span className="secondary-line">
                  <bdi>{payment.description}</bdi>
                </span>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('cpay.gateway')}</dt>
            <dd>{payment.gateway ? gatewayName(payment.gateway) : t('common.none')}</dd>
          </div>
          <div>
            <dt>{t('cpay.created')}</dt>
            <dd>{formatDate(payment.createdAt)}</dd>
          </div>
          <div>
            <dt>{isOpen(payment.status) ? t('cpay.expires') : t('cpay.settled')}</dt>
            <dd>
              {isOpen(payment.status)
                ? formatDate(payment.expiresAt)
                : payment.settledAt
                  ? formatDate(payment.settledAt)
                  : t('common.none')}
            </dd>
          </div>
          <div>
            <dt>{t('pay.reference')}</dt>
            <dd>
              <code dir="ltr" className="wrap-anywhere">
                {payment.id}
              </code>
            </dd>
          </div>
          {Object.entries(payment.metadata).map(([key, value]) => (
            <div key={key}>
              <dt>
                {t('cpay.metadata')} <bdi>{key}</bdi>
              </dt>
              <dd>
                <bdi>{value}</bdi>
              </dd>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="pay-attempts">
        <h2 id="pay-attempts">{t('cpay.attempts')}</h2>
        <p className="muted">{t('cpay.attemptsIntro')}</p>
        {attempts.length === 0 ? <p className="empty">{t('cpay.noAttempts')}</p> : <Timeline attempts={attempts} />}
      </section>

      <section aria-labelledby="pay-refunds">
        <h2 id="pay-refunds">{t('cpay.refunds')}</h2>
        {refunds.length === 0 ? (
          <p className="empty">{t('cpay.noRefunds')}</p>
        ) : (
          <RefundList refunds={refunds} payment={payment} onDone={setMessage} />
        )}
      </section>

      {refunding && (
        <RefundDialog
          payment={payment}
          remaining={remaining}
          onClose={() => setRefunding(false)}
          onDone={(say) => {
            setRefunding(false)
            setMessage(say)
          }}
        />
      )}
      {canceling && (
        <ConfirmDialog
          title={t('cpay.cancelTitle', { amount })}
          confirmLabel={t('cpay.cancelConfirm')}
          pending={cancel.isPending}
          onConfirm={() =>
            cancel.mutate(payment.id, {
              onSuccess: () => {
                setCanceling(false)
                setMessage((t) => t('cpay.canceled', { amount: money(payment.amount, payment.currency) }))
              },
            })
          }
          onCancel={() => setCanceling(false)}
        >
          <p>{t('cpay.cancelBody')}</p>
          <ProblemAlert error={cancel.error} />
        </ConfirmDialog>
      )}
    </Page>
  )
}

/** Every gateway the payment was sent to, oldest first: the route it took, fallbacks included. */
function Timeline({ attempts }: { attempts: PaymentAttempt[] }) {
  const { t, formatDate, formatNumber } = useI18n()
  const gatewayName = useGatewayName()
  return (
    <ol className="timeline" aria-label={t('cpay.attempts')}>
      {attempts.map((a, i) => (
        <li key={a.id} className={`timeline-item timeline-${a.status}`}>
          <h3>
            {t('cpay.attemptAt', { n: formatNumber(i + 1), gateway: gatewayName(a.gateway) })}{' '}
            <StatusBadge kind="attempt" status={a.status} />
          </h3>
          <dl className="facts compact">
            <div>
              <dt>{t('cpay.started')}</dt>
              <dd>{formatDate(a.createdAt)}</dd>
            </div>
            <div>
              <dt>{t('cpay.updated')}</dt>
              <dd>{formatDate(a.updatedAt)}</dd>
            </div>
            <div>
              <dt>{t('cpay.gatewayReference')}</dt>
              <dd>
                {a.reference ? (
                  <code dir="ltr" className="wrap-anywhere">
                    {a.reference}
                  </code>
                ) : (
                  t('common.none')
                )}
              </dd>
            </div>
            <ReceiptFacts receipt={a.receipt} />
          </dl>
          {a.error && (
            <p className="attempt-error">
              {t('cpay.attemptError')}{' '}
              <code dir="ltr" lang="en" className="wrap">
                {a.error}
              </code>
            </p>
          )}
        </li>
      ))}
    </ol>
  )
}

function RefundList({ refunds, payment, onDone }: { refunds: Refund[]; payment: Payment; onDone: (say: Say) => void }) {
  const { t, formatDate } = useI18n()
  const { money } = useMoney()
  const decide = useDecideRefund()
  const [deciding, setDeciding] = useState<{ refund: Refund; approve: boolean } | null>(null)
  return (
    <>
      <ul className="refund-list">
        {refunds.map((r) => {
          const amount = money(r.amount, r.currency)
          return (
            <li key={r.id} className="card">
              <h3>
                {t('cpay.refundOf', { amount })} <StatusBadge kind="refund" status={r.status} />
              </h3>
              <dl className="facts compact">
                <div>
                  <dt>{t('cpay.reason')}</dt>
                  <dd>{t(`refundReason.${r.reason as RefundReason}`)}</dd>
                </div>
                <div>
                  <dt>{t('cpay.requested')}</dt>
                  <dd>{formatDate(r.createdAt)}</dd>
                </div>
                <div>
                  <dt>{t('cpay.destination')}</dt>
                  <dd>{t(`refundDestination.${r.destination}`)}</dd>
                </div>
                {r.gatewayRefundId && (
                  <div>
                    <dt>{t('cpay.gatewayReference')}</dt>
                    <dd>
                      <code dir="ltr" className="wrap-anywhere">
                        {r.gatewayRefundId}
                      </code>
                    </dd>
                  </div>
                )}
              </dl>
              {r.error && (
                <p className="attempt-error">
                  {t('cpay.attemptError')}{' '}
                  <code dir="ltr" lang="en" className="wrap">
                    {r.error}
                  </code>
                </p>
              )}
              {r.status === 'awaiting_approval' && (
                <div className="row-actions">
                  <Button
                    size="small"
                    aria-label={t('refunds.approveNamed', { amount })}
                    onPress={() => setDeciding({ refund: r, approve: true })}
                  >
                    {t('refunds.approve')}
                  </Button>
                  <Button
                    size="small"
                    variant="danger"
                    aria-label={t('refunds.rejectNamed', { amount })}
                    onPress={() => setDeciding({ refund: r, approve: false })}
                  >
                    {t('refunds.reject')}
                  </Button>
                </div>
              )}
            </li>
          )
        })}
      </ul>
      {deciding && (
        <DecideRefundDialog
          refund={deciding.refund}
          approve={deciding.approve}
          pending={decide.isPending}
          error={decide.error}
          onConfirm={() =>
            decide.mutate(
              { id: deciding.refund.id, approve: deciding.approve, paymentId: payment.id },
              {
                onSuccess: () => {
                  const { refund, approve } = deciding
                  setDeciding(null)
                  onDone((t) => t(approve ? 'refunds.approved' : 'refunds.rejected', { amount: money(refund.amount, refund.currency) }))
                },
              },
            )
          }
          onCancel={() => {
            decide.reset()
            setDeciding(null)
          }}
        />
      )}
    </>
  )
}

/** Asks before a queued refund goes to the gateway (money leaves) or is turned down. */
export function DecideRefundDialog({
  refund,
  approve,
  pending,
  error,
  onConfirm,
  onCancel,
}: {
  refund: Refund
  approve: boolean
  pending: boolean
  error: unknown
  onConfirm: () => void
  onCancel: () => void
}) {
  const { t } = useI18n()
  const { money } = useMoney()
  const amount = money(refund.amount, refund.currency)
  return (
    <ConfirmDialog
      title={t(approve ? 'refunds.approveTitle' : 'refunds.rejectTitle', { amount })}
      confirmLabel={t(approve ? 'refunds.approve' : 'refunds.reject')}
      pending={pending}
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <p>{t(approve ? 'refunds.approveBody' : 'refunds.rejectBody', { reason: t(`refundReason.${refund.reason as RefundReason}`) })}</p>
      <ProblemAlert error={error} />
    </ConfirmDialog>
  )
}

interface RefundValues {
  amount: string
  reason: RefundReason | ''
  note: string
}

/** Refund in part (an amount) or in full (left empty); one Idempotency-Key per refund meant, kept on a retry. */
function RefundDialog({
  payment,
  remaining,
  onClose,
  onDone,
}: {
  payment: Payment
  remaining: string
  onClose: () => void
  onDone: (say: Say) => void
}) {
  const { t, locale } = useI18n()
  const { money, unit, parse, irr } = useMoney()
  const refund = useRefundPayment(payment.id)
  const idempotency = useIdempotencyKey()
  const left = money(remaining, payment.currency)
  const form = useServerForm<RefundValues>({
    defaultValues: { amount: '', reason: '', note: '' },
    onSubmit: async (values) => {
      const parsed = values.amount.trim() ? parse(values.amount, payment.currency) : null
      if (parsed && !parsed.ok) return
      const input = {
        ...(parsed ? { amount: parsed.minor } : {}),
        reason: values.reason as RefundReason,
        ...(values.note.trim() ? { note: values.note.trim() } : {}),
      }
      try {
        const made = await refund.mutateAsync({ input, idempotencyKey: idempotency.keyFor(input) })
        idempotency.done()
        const amount = money(made.amount, made.currency)
        onDone((t) => t(made.status === 'awaiting_approval' ? 'cpay.refundQueued' : 'cpay.refundStarted', { amount }))
      } catch (error) {
        // "More than is left" is the amount field's fault, said in our words with what is left.
        if (asCaravanError(error).code === 'refund_exceeds_captured') {
          form.setError('amount', { type: 'server', message: t('cpay.refundTooMuch', { amount: left }) })
          form.setFocus('amount')
          return
        }
        throw error
      }
    },
  })
  const unitOf = displayUnit(payment.currency, irr)
  return (
    <Dialog
      title={t('cpay.refundTitle', { amount: money(payment.amount, payment.currency) })}
      isOpen
      onOpenChange={(open) => !open && onClose()}
    >
      <Form
        form={form}
        actions={
          <div className="dialog-actions">
            <SubmitButton>{t('cpay.refundSubmit')}</SubmitButton>
            <Button variant="secondary" onPress={onClose}>
              {t('common.cancel')}
            </Button>
          </div>
        }
      >
        <FormTextField
          control={form.control}
          name="amount"
          label={t('cpay.refundAmount', { unit: unit(payment.currency) })}
          description={t('cpay.refundAmountHint', { amount: left })}
          optional
          inputMode="decimal"
          autoComplete="off"
          dir="ltr"
          rules={{
            validate: (text) => {
              if (!String(text).trim()) return true
              const result = parse(String(text), payment.currency)
              if (!result.ok) return t(`pay.amountError.${result.error}`, { decimals: unitOf.decimals, unit: unitOf.symbol[locale] })
              if (BigInt(result.minor) > BigInt(remaining)) return t('cpay.refundTooMuch', { amount: left })
              return true
            },
          }}
        />
        <FormSelectField
          control={form.control}
          name="reason"
          label={t('cpay.reason')}
          options={REFUND_REASONS.map((r) => ({ id: r, label: t(`refundReason.${r}`) }))}
          isRequired
        />
        <FormTextAreaField
          control={form.control}
          name="note"
          label={t('cpay.note')}
          description={t('cpay.noteHint')}
          optional
          dir="auto"
          rows={3}
        />
      </Form>
    </Dialog>
  )
}
