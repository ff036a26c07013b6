// The problem types only the files module raises.
import { defineProblemTypes } from '../../core/http/errors'

declare module '../../core/http/errors' {
  interface ProblemTypes {
    file_type_not_allowed: true
    file_too_large: true
    file_unreadable: true
    image_too_large: true
    file_not_attachable: true
    file_scanning: true
    file_blocked: true
    download_link_invalid: true
    range_not_satisfiable: true
  }
}

defineProblemTypes({
  file_type_not_allowed: { status: 415, title: 'This type of file is not accepted' },
  file_too_large: { status: 413, title: 'The file is larger than its type allows' },
  file_unreadable: { status: 422, title: 'The file is damaged or is not what its first bytes say' },
  image_too_large: { status: 422, title: 'The image has too many pixels' },
  file_not_attachable: { status: 422, title: 'The file cannot be attached' },
  file_scanning: { status: 409, title: 'The file is still being scanned for viruses' },
  file_blocked: { status: 409, title: 'The file was blocked: malware was found in it' },
  download_link_invalid: { status: 403, title: 'The download link is not valid or has expired' },
  range_not_satisfiable: { status: 416, title: 'The range asked for is not in the file' },
})
