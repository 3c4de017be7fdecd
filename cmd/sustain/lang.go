package main

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sustain-cli/sustain/internal/i18n"
	"github.com/sustain-cli/sustain/internal/problem"
)

// deskGroups are the command groups whose human text follows --lang,
// SUSTAIN_LANG and support.lang (release changelog's and report's --lang
// choose a document's language instead).
var deskGroups = map[string]bool{"ticket": true, "customer": true, "calendar": true, "mail": true}

// addLangFlag binds --lang, the output language, on a desk group.
func addLangFlag(a *app, cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&a.langFlag, "lang", "", "the `LANGUAGE` of tables, messages and errors: en or ru (SUSTAIN_LANG, support.lang; default en)")
	_ = cmd.RegisterFlagCompletionFunc("lang", fixedCompletion("en", "ru"))
}

// deskCommand reports whether cmd is under one of the desk groups.
func deskCommand(cmd *cobra.Command) bool {
	for c := cmd; c != nil; c = c.Parent() {
		if c.Parent() != nil && c.Parent().Parent() == nil {
			return deskGroups[c.Name()]
		}
	}
	return false
}

// chooseLang settles the desk's language: --lang, then SUSTAIN_LANG, then
// support.lang, then English. An unknown value is a usage error; a
// configuration that does not load is the command's to report.
func (a *app) chooseLang(cmd *cobra.Command) error {
	if !deskCommand(cmd) {
		return nil
	}
	lang, from := a.langFlag, "--lang"
	if lang == "" {
		lang, from = a.getenv("SUSTAIN_LANG"), "SUSTAIN_LANG"
	}
	if lang == "" {
		if cfg, err := a.config(); err == nil {
			lang = cfg.Support.Lang // validated by the configuration
		}
	}
	lang = cmp.Or(lang, i18n.Default)
	if !i18n.Valid(lang) {
		return usagef("%s %q: use en or ru", from, lang)
	}
	a.lang = lang
	a.format.Tr = trText(a.tr())
	if lang == i18n.Default {
		a.format.Tr = nil
	}
	return nil
}

// tr says the desk's messages in the chosen language.
func (a *app) tr() i18n.Printer { return deskPrinter(a.lang) }

func deskPrinter(lang string) i18n.Printer {
	return i18n.Must(cmp.Or(lang, i18n.Default), deskCatalogue)
}

var (
	footerOfRe = regexp.MustCompile(`^(\S+) of (\S+) shown; --limit or --all for more$`)
	footerRe   = regexp.MustCompile(`^(\S+) shown; --limit or --all for more$`)
)

// trText is the printer's T that also knows the footers' shapes.
func trText(p i18n.Printer) func(string) string {
	return func(s string) string {
		if p.Lang == "ru" {
			if m := footerOfRe.FindStringSubmatch(s); m != nil {
				return "показано " + m[1] + " из " + m[2] + "; больше — с --limit или --all"
			}
			if m := footerRe.FindStringSubmatch(s); m != nil {
				return "показано " + m[1] + "; больше — с --limit или --all"
			}
		}
		return p.T(s)
	}
}

// sayError is an error's message and hint in the desk's language: the
// English format of a problem or usage error is the catalogue's key, and
// what has no entry stays English.
func sayError(p i18n.Printer, err error, msg, hint string) (string, string) {
	if p.Lang == i18n.Default {
		return msg, hint
	}
	var pe *problem.Error
	var ue *usageError
	switch {
	case errors.As(err, &pe) && pe.Format != "" && pe.Msg == msg:
		msg = p.T(pe.Format, pe.Args...)
	case errors.As(err, &ue) && ue.format != "" && ue.Error() == msg:
		msg = p.T(ue.format, ue.args...)
	default:
		if s, ok := sayWhole(p, msg); ok {
			msg = s
		}
	}
	if hint != "" {
		hint = sayHint(p, hint)
	}
	return msg, hint
}

// hintPrefixes are the hints made at run time of a fixed text and a name
// or a list (the service words them so): the text is said in the reader's
// language, the name as it is.
var hintPrefixes = []string{
	"allowed now: ",
	"assigned now: ",
	"see its attachments with: ",
	"see it with: ",
	"register it: ",
	"choose another --code, or change it with ",
	"give it with ",
	"use a time from ",
	"give the store's file, for example ",
}

// sayHint is a hint in the reader's language: whole, or by its fixed start.
func sayHint(p i18n.Printer, hint string) string {
	if p.Has(hint) {
		return p.T(hint)
	}
	for _, prefix := range hintPrefixes {
		if rest, ok := strings.CutPrefix(hint, prefix); ok && p.Has(prefix) {
			return p.T(prefix) + rest
		}
	}
	return hint
}

// sayWhole translates a whole message with an entry of its own.
func sayWhole(p i18n.Printer, msg string) (string, bool) {
	if p.Has(msg) {
		return p.T(msg), true
	}
	return msg, false
}

// calendarNoDataRe is the calendar's warning for a year without data.
var calendarNoDataRe = regexp.MustCompile(`^the production calendar has no data for (\d+): using Monday-Friday with fixed-date holidays$`)

// sayWarning is a warning in the reader's language: by its format, or,
// for a message made elsewhere, by its known shapes.
func sayWarning(p i18n.Printer, format string, args ...any) string {
	if p.Lang == i18n.Default {
		return fmt.Sprintf(format, args...)
	}
	if format == "%s" && len(args) == 1 {
		if msg, ok := args[0].(string); ok {
			if m := calendarNoDataRe.FindStringSubmatch(msg); m != nil {
				return p.T("the production calendar has no data for %s: using Monday-Friday with fixed-date holidays", m[1])
			}
			return p.T(msg)
		}
	}
	return p.T(format, args...)
}
