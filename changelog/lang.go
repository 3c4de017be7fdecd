package changelog

import (
	"time"

	"github.com/sustain-cli/sustain/internal/i18n"
)

// Languages of the documents.
var Languages = i18n.Languages

// catalogue holds every string of the documents, one table per language,
// in the regulations' own vocabulary for Russian.
var catalogue = i18n.Catalogue{
	"en": {
		"title":              "Release notes",
		"changelog":          "Changelog",
		"changes":            "List of changes",
		"version":            "Version",
		"build_number":       "Build number",
		"build_date":         "Build date",
		"release_date":       "Release date",
		"previous":           "Previous release",
		"none":               "none",
		"no_changes":         "There are no changes in this release.",
		"from_root":          "There is no previous release: the changes are counted from the first commit.",
		"jira_unknown":       "Not found in Jira: %s.",
		"compat":             "Compatibility with previous versions",
		"breaking":           "Breaking changes",
		"no_breaking":        "No breaking changes.",
		"upgrade":            "Upgrade procedure",
		"upgrade_restart":    "Updating means installing the new version of the application container; it needs a full stop and restart of the service.",
		"upgrade_window":     "Plan the update for a maintenance window.",
		"upgrade_online":     "The update needs no restart.",
		"upgrade_from":       "Direct upgrade is supported from version %s or later.",
		"components":         "Changed components",
		"component_docs":     "documentation changed: %s",
		"component_no_docs":  "warning: the component changed but its documentation did not",
		"requests":           "Support requests resolved by this release",
		"section.added":      "Added",
		"section.changed":    "Changed",
		"section.deprecated": "Deprecated",
		"section.removed":    "Removed",
		"section.fixed":      "Fixed",
		"section.security":   "Security",
		"section.other":      "Other",
		"unreleased":         "Unreleased",
		"commits.one":        "%d change",
		"commits.other":      "%d changes",
		"issues.one":         "%d issue",
		"issues.other":       "%d issues",
		"shipped":            "Left out: %s already shipped in %s (cherry-picked onto its branch): %s.",
		"more":               "… and %d more (--json for all)",
	},
	"ru": {
		"title":              "Документ со списком изменений",
		"changelog":          "Журнал изменений",
		"changes":            "Список изменений",
		"version":            "Версия",
		"build_number":       "Номер сборки",
		"build_date":         "Дата сборки",
		"release_date":       "Дата выпуска",
		"previous":           "Предыдущий выпуск",
		"none":               "нет",
		"no_changes":         "В этом выпуске нет изменений.",
		"from_root":          "Предыдущего выпуска нет: изменения перечислены с первой фиксации.",
		"jira_unknown":       "Не найдены в Jira: %s.",
		"compat":             "Сведения о совместимости с предыдущими версиями",
		"breaking":           "Несовместимые изменения",
		"no_breaking":        "Несовместимых изменений нет.",
		"upgrade":            "Порядок обновления",
		"upgrade_restart":    "Обновление выполняется установкой новой версии контейнера приложения и требует полной остановки и перезапуска сервиса.",
		"upgrade_window":     "Обновление проводится в плановое окно обслуживания.",
		"upgrade_online":     "Обновление не требует перезапуска.",
		"upgrade_from":       "Прямое обновление поддерживается с версии %s и новее.",
		"components":         "Изменённые компоненты",
		"component_docs":     "изменена документация: %s",
		"component_no_docs":  "внимание: компонент изменён, а его документация — нет",
		"requests":           "Обращения в поддержку, решённые этим выпуском",
		"section.added":      "Добавлено",
		"section.changed":    "Изменено",
		"section.deprecated": "Устарело",
		"section.removed":    "Удалено",
		"section.fixed":      "Исправлено",
		"section.security":   "Безопасность",
		"section.other":      "Прочее",
		"unreleased":         "Не выпущено",
		"commits.one":        "%d изменение",
		"commits.few":        "%d изменения",
		"commits.many":       "%d изменений",
		"commits.other":      "%d изменения",
		"issues.one":         "%d задача",
		"issues.few":         "%d задачи",
		"issues.many":        "%d задач",
		"issues.other":       "%d задачи",
		"shipped":            "Не включены: %s, уже выпущенные в %s (перенесены в его ветку): %s.",
		"more":               "… и ещё %d (все — в --json)",
	},
}

// text is a language's strings: the shared message mechanism over the
// documents' catalogue.
type text struct {
	lang string
	p    i18n.Printer
}

func newText(lang string) (text, error) {
	p, err := i18n.New(lang, catalogue)
	if err != nil {
		return text{}, err
	}
	return text{lang: lang, p: p}, nil
}

// T is the string for key, formatted with args; an unknown key is itself
// (custom section names).
func (t text) T(key string, args ...any) string { return t.p.T(key, args...) }

// Count says "n changes" with the language's plural form: 1 изменение,
// 2 изменения, 5 изменений.
func (t text) Count(n int) string { return t.Plural("commits", n) }

// Plural says "n things" with the language's plural form of noun's
// entries (noun.one, .few, .many, .other).
func (t text) Plural(noun string, n int) string { return t.p.N(noun, n) }

// listMax is how many items a list in a sentence shows.
const listMax = 10

// List joins items with commas, cut after listMax with "… and N more
// (--json for all)".
func (t text) List(items []string) string { return t.p.List(items, listMax, "more") }

// Date writes a date the language's way: 2026-11-22, 22.11.2026.
func (t text) Date(d time.Time) string {
	if t.lang == "ru" {
		return d.Format("02.01.2006")
	}
	return d.Format("2006-01-02")
}

// CountText is "n changes" in lang, for tests and templates outside a
// document.
func CountText(lang string, n int) string {
	t, err := newText(lang)
	if err != nil {
		t, _ = newText("en")
	}
	return t.Count(n)
}
