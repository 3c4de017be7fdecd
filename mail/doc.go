// Package mail is the desk's e-mail channel: it reads customers' messages
// (RFC 5322, any of the charsets Russian mail arrives in), decides what each
// one means for a request, and builds the notices the regulations require
// (registration number, information request, answer, closure, refusal).
//
// The package never talks to a store directly: the intake works through
// ticket.Service and ticket.MailStore, so both stores get the same rules.
// Transports (Maildir, IMAP, SMTP, a directory of .eml files) only move
// bytes; they know nothing of requests.
package mail
