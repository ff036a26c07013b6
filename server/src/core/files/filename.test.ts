import { describe, expect, it } from 'vitest'
import { contentDisposition, MAX_FILENAME_LENGTH, sanitizeFilename } from './filename'

describe('sanitizeFilename', () => {
  it('drops paths, whichever separator', () => {
    expect(sanitizeFilename('../../etc/passwd', 'txt')).toBe('passwd.txt')
    expect(sanitizeFilename('..\\..\\Windows\\win.ini', 'txt')).toBe('win.txt')
    expect(sanitizeFilename('/var/www/../shell.php', 'txt')).toBe('shell.txt')
    expect(sanitizeFilename('..', 'txt')).toBe('file.txt')
  })

  it('removes bidi overrides and isolates, so a name shows what it is', () => {
    // "invoice\u202Efdp.exe" looks like "invoiceexe.pdf" on screen.
    expect(sanitizeFilename('invoice\u202Efdp.exe', 'pdf')).toBe('invoicefdp.pdf')
    expect(sanitizeFilename('a\u202A\u202B\u202C\u202D\u2066\u2067\u2068\u2069b.png', 'png')).toBe('ab.png')
    expect(sanitizeFilename('\u200Fفاکتور\u200E.pdf', 'pdf')).toBe('فاکتور.pdf')
  })

  it('removes control characters and characters Windows refuses', () => {
    expect(sanitizeFilename('a\u0000b\nc\td\u007f\u0085e.txt', 'txt')).toBe('abcde.txt')
    expect(sanitizeFilename('what? <really>: "yes" | no*.pdf', 'pdf')).toBe('what_ _really__ _yes_ _ no_.pdf')
  })

  it('keeps Persian letters and the zero-width non-joiner', () => {
    expect(sanitizeFilename('گزارش‌های ماهانه ۱۴۰۳.xlsx', 'xlsx')).toBe('گزارش‌های ماهانه ۱۴۰۳.xlsx')
  })

  it('forces the sniffed extension, allowing its other spellings', () => {
    expect(sanitizeFilename('photo.png', 'jpg')).toBe('photo.jpg')
    expect(sanitizeFilename('photo.JPEG', 'jpg')).toBe('photo.jpeg')
    expect(sanitizeFilename('data.csv', 'txt')).toBe('data.csv')
    expect(sanitizeFilename('page.html', 'txt')).toBe('page.txt')
    expect(sanitizeFilename('archive.tar.gz', 'zip')).toBe('archive.tar.zip')
    expect(sanitizeFilename('README', 'txt')).toBe('README.txt')
  })

  it('defuses reserved Windows names, with or without an extension', () => {
    expect(sanitizeFilename('CON', 'txt')).toBe('_CON.txt')
    expect(sanitizeFilename('nul.txt', 'txt')).toBe('_nul.txt')
    expect(sanitizeFilename('com1.report.pdf', 'pdf')).toBe('_com1.report.pdf')
    expect(sanitizeFilename('console.txt', 'txt')).toBe('console.txt')
  })

  it('hides nothing: leading dots, trailing dots and spaces go', () => {
    expect(sanitizeFilename('.htaccess', 'txt')).toBe('htaccess.txt')
    expect(sanitizeFilename('  notes .  ', 'txt')).toBe('notes.txt')
    expect(sanitizeFilename('a   b', 'txt')).toBe('a b.txt')
  })

  it('gives an empty or all-invisible name a plain one', () => {
    expect(sanitizeFilename('', 'pdf')).toBe('file.pdf')
    expect(sanitizeFilename('\u202E\u0000', 'png')).toBe('file.png')
    expect(sanitizeFilename('.pdf', 'pdf')).toBe('pdf.pdf')
  })

  it('trims long names to 120 characters, keeping the extension and whole characters', () => {
    const long = sanitizeFilename('ب'.repeat(300) + '.docx', 'docx')
    expect([...long].length).toBe(MAX_FILENAME_LENGTH)
    expect(long.endsWith('.docx')).toBe(true)
    const emoji = sanitizeFilename('😀'.repeat(200) + '.txt', 'txt')
    expect([...emoji].length).toBe(MAX_FILENAME_LENGTH)
    expect(emoji).not.toContain('\uFFFD')
    expect(/[\uD800-\uDFFF]/u.test(emoji)).toBe(false) // no half of a surrogate pair
  })
})

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the exact name per RFC 5987', () => {
    expect(contentDisposition('attachment', 'گزارش "نهایی".pdf')).toBe(
      `attachment; filename="_____ _______.pdf"; filename*=UTF-8''${encodeURIComponent('گزارش "نهایی".pdf')}`,
    )
    expect(contentDisposition('inline', "it's (1).png")).toBe(`inline; filename="it's (1).png"; filename*=UTF-8''it%27s%20%281%29.png`)
  })
})
