// The workflow editor's pure pieces: a step to the form's draft and back (durations in their
// largest whole unit, "1 hour before" as a negative offset, a typed value sent as a number when it
// reads as one, Persian digits too), the server's refusals on the form's fields, and durations in
// words in both languages.
import type { WorkflowStep } from '@caravan/sdk'
import { describe, expect, it } from 'vitest'
import {
  fieldOfPath,
  formatDuration,
  newStep,
  refusalText,
  stepDraft,
  stepOf,
  stepsOf,
  valueOf,
  type StepDraft,
} from '../../src/features/notifications/console/workflow'
import type { Translate } from '../../src/i18n'
import { en, type Messages } from '../../src/i18n/en'
import { fa } from '../../src/i18n/fa'
import { formatMessage } from '../../src/i18n/format'

const translator =
  (messages: Messages, locale: string): Translate =>
  (key, values) =>
    formatMessage(messages[key], values, { plural: new Intl.PluralRules(locale), number: new Intl.NumberFormat(locale) })

describe('workflow drafts', () => {
  it('turns every kind of step into a draft and back unchanged', () => {
    const steps: WorkflowStep[] = [
      { kind: 'channel', channel: 'in_app' },
      { kind: 'delay', seconds: 900 },
      { kind: 'channel', channel: 'email', if: [{ check: 'in_app_unread' }] },
      { kind: 'delay', until: 'data.startsAt', offsetSeconds: -3600 },
      { kind: 'digest', key: 'data.conversationId', windowSeconds: 86_400, maxEvents: 50 },
      { kind: 'throttle', limit: 3, windowSeconds: 90, key: 'data.orderId' },
      {
        kind: 'channel',
        channel: 'sms',
        if: [
          { check: 'data', path: 'data.priority', op: 'eq', value: 'critical' },
          { check: 'data', path: 'data.amount', op: 'gte', value: 1000 },
          { check: 'data', path: 'data.vip', op: 'exists' },
          { check: 'phone_verified' },
        ],
      },
    ]
    const drafts = steps.map(stepDraft)
    expect(drafts[1]).toMatchObject({ delayMode: 'fixed', delayAmount: 15, delayUnit: 'minutes' })
    expect(drafts[3]).toMatchObject({
      delayMode: 'until',
      untilPath: 'data.startsAt',
      offsetAmount: 1,
      offsetUnit: 'hours',
      offsetDirection: 'before',
    })
    expect(drafts[4]).toMatchObject({ windowAmount: 1, windowUnit: 'days', maxEvents: 50, groupKey: 'data.conversationId' })
    expect(drafts[5]).toMatchObject({ windowAmount: 90, windowUnit: 'seconds', limit: 3 })
    expect(drafts[6].conditions[1]).toEqual({ check: 'data', path: 'data.amount', op: 'gte', value: '1000' })
    expect(stepsOf(drafts)).toEqual(steps)
  })

  it('waits for the settings a step needs before it can be previewed', () => {
    expect(stepOf(newStep('channel'))).toBeNull()
    expect(stepOf({ ...newStep('delay'), delayAmount: null })).toBeNull()
    expect(stepOf({ ...newStep('delay'), delayMode: 'until' })).toBeNull()
    expect(stepOf(newStep('delay'))).toEqual({ kind: 'delay', seconds: 900 })
    expect(
      stepOf({
        ...newStep('delay'),
        delayMode: 'until',
        untilPath: 'data.at',
        offsetAmount: 30,
        offsetUnit: 'minutes',
        offsetDirection: 'after',
      }),
    ).toEqual({
      kind: 'delay',
      until: 'data.at',
      offsetSeconds: 1800,
    })
    expect(stepsOf([newStep('channel', 'email'), newStep('channel')])).toBeNull()
  })

  it('sends a typed value as a number when it reads as one, Persian digits included', () => {
    expect(valueOf('42')).toBe(42)
    expect(valueOf('-1.5')).toBe(-1.5)
    expect(valueOf('۴۲')).toBe(42)
    expect(valueOf('critical')).toBe('critical')
    expect(valueOf('12abc')).toBe('12abc')
    expect(valueOf('')).toBe('')
  })

  it('puts the server’s refusals on the fields of the step they name', () => {
    const drafts: StepDraft[] = [
      { ...newStep('channel', 'email'), conditions: [{ check: 'in_app_unread', path: '', op: 'eq', value: '' }] },
      newStep('delay'),
      { ...newStep('delay'), delayMode: 'until', untilPath: 'data.at' },
      newStep('digest'),
    ]
    expect(fieldOfPath('steps[0].channel', drafts)).toBe('steps.0.channel')
    expect(fieldOfPath('steps[0].if[0]', drafts)).toBe('steps.0.conditions.0.check')
    expect(fieldOfPath('steps[0].if[0].value', drafts)).toBe('steps.0.conditions.0.value')
    expect(fieldOfPath('steps[1]', drafts)).toBe('steps.1.delayAmount')
    expect(fieldOfPath('steps[2]', drafts)).toBe('steps.2.untilPath')
    expect(fieldOfPath('steps[2].offsetSeconds', drafts)).toBe('steps.2.offsetAmount')
    expect(fieldOfPath('body.steps.3.windowSeconds', drafts)).toBe('steps.3.windowAmount')
    expect(fieldOfPath('body.steps.3.key', drafts)).toBe('steps.3.groupKey')
    expect(fieldOfPath('steps', drafts)).toBe('steps')
    expect(fieldOfPath('steps[9].channel', drafts)).toBe('steps')
  })

  it("keeps a channel step's own message: languages left blank out, JSON parsed, refusals on the language's field", () => {
    const step: WorkflowStep = {
      kind: 'channel',
      channel: 'push',
      content: { fa: { title: 'یادآوری دوم', body: 'سفارش {{ orderId }}', data: { url: '/orders' } } },
    }
    const draft = stepDraft(step)
    expect(draft).toMatchObject({ ownMessage: true, message: { en: { title: '', body: '', data: '' } } })
    expect(stepOf(draft)).toEqual(step)
    // Turned off: the type's template again, whatever is still written.
    expect(stepOf({ ...draft, ownMessage: false })).toEqual({ kind: 'channel', channel: 'push' })
    // On but nothing written, or JSON that is not an object of strings: not ready to preview.
    expect(stepOf({ ...newStep('channel', 'sms'), ownMessage: true })).toBeNull()
    expect(stepOf({ ...draft, message: { ...draft.message, fa: { ...draft.message.fa, data: '[1]' } } })).toBeNull()
    // A draft holding another channel's fields sends only this channel's.
    const sms = { ...newStep('channel', 'sms'), ownMessage: true, message: { en: { text: 'Last call', title: 'left over' }, fa: {} } }
    expect(stepOf(sms)).toEqual({ kind: 'channel', channel: 'sms', content: { en: { text: 'Last call' } } })
    expect(fieldOfPath('steps[0].content.fa.title', [draft])).toBe('steps.0.message.fa.title')
    expect(fieldOfPath('body.steps.0.content.en.data.url', [draft])).toBe('steps.0.message.en.data')
    const t = translator(en, 'en')
    expect(
      refusalText(t, 'en', { field: 'steps[0].content.fa.body', message: 'syntax error on line 2, column 4: x', code: 'template' }),
    ).toBe(translator(en, 'en')('editor.syntaxError', { line: 2, column: 4 }))
  })

  it('says durations in both languages, Persian digits in Persian', () => {
    const t = translator(en, 'en-GB')
    expect(formatDuration(t, 900)).toBe('15 min')
    expect(formatDuration(t, 4500)).toBe('1 h 15 min')
    expect(formatDuration(t, 2 * 86_400 + 30)).toBe('2 days 30 s')
    expect(formatDuration(t, 0)).toBe('0 s')
    const tf = translator(fa, 'fa-IR')
    expect(formatDuration(tf, 4500)).toBe('۱ ساعت و ۱۵ دقیقه')
    expect(formatDuration(tf, 86_400)).toBe('۱ روز')
  })
})
