package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
)

// texts are the words of the reports: English, then Russian.
var texts = map[string][2]string{
	"sla.title":      {"Reaction SLA", "Соблюдение срока реакции"},
	"queue.title":    {"Support queue", "Очередь обращений"},
	"customer.title": {"Support report", "Отчёт о поддержке"},

	"period":           {"Period", "Период"},
	"at":               {"At", "На момент"},
	"customer":         {"Customer", "Заказчик"},
	"all customers":    {"all customers", "все заказчики"},
	"generated":        {"Generated", "Сформирован"},
	"policy":           {"Policy in force", "Действующий регламент"},
	"policy.line":      {"reaction by the end of the next business day (Q12); working hours %s, %s; auto-close after %d business days without a reply", "реакция не позднее следующего рабочего дня (Q12); рабочее время %s, %s; автозакрытие через %d рабочих дней без ответа"},
	"policy.a4":        {"priority service only under an active contract (A4)", "приоритетное обслуживание только по действующему договору (A4)"},
	"requests":         {"Requests", "Обращений"},
	"met":              {"Met", "В срок"},
	"breached":         {"Breached", "Просрочено"},
	"running":          {"Running", "Срок не истёк"},
	"met share":        {"Met on time", "Доля в срок"},
	"by week":          {"Reaction by week", "Реакция по неделям"},
	"by month":         {"Reaction by month", "Реакция по месяцам"},
	"answer time":      {"Time to answer, business hours", "Время до ответа, рабочие часы"},
	"answered":         {"Answered", "Отвечено"},
	"median":           {"Median", "Медиана"},
	"p90":              {"90th percentile", "90-й процентиль"},
	"outcomes":         {"Outcomes", "Итоги"},
	"closed":           {"Closed", "Закрыто"},
	"auto_closed":      {"Auto-closed (no reply)", "Закрыто автоматически (нет ответа)"},
	"confirmed":        {"Confirmed by the customer", "Подтверждено заказчиком"},
	"withdrawn":        {"Withdrawn", "Отозвано"},
	"disputed":         {"Disputed, back in work", "Оспорено, снова в работе"},
	"open":             {"Open", "Открыто"},
	"breaches":         {"Breaches", "Нарушения срока реакции"},
	"no breaches":      {"No breaches.", "Нарушений нет."},
	"request":          {"Request", "Обращение"},
	"due":              {"Due", "Срок"},
	"reacted":          {"Reacted", "Реакция"},
	"not yet":          {"not yet", "нет"},
	"more":             {"… and %d more (all of them are in --json and --format csv)", "… и ещё %d (все — в --json и --format csv)"},
	"hours":            {"h", "ч"},
	"none":             {"none", "нет"},
	"state":            {"By state", "По состоянию"},
	"priority":         {"Priority", "Приоритет"},
	"by priority":      {"By priority and contract", "По приоритету и договору"},
	"contract":         {"Contract", "По договору"},
	"residual":         {"Residual", "Без договора"},
	"by age":           {"Open requests by age, business days", "Открытые обращения по возрасту, рабочие дни"},
	"holders":          {"Who holds what", "Кто чем занят"},
	"holder":           {"Assignee", "Исполнитель"},
	"nobody":           {"(unassigned)", "(не назначено)"},
	"overdue":          {"Reaction overdue", "Срок реакции истёк"},
	"due today":        {"Reaction due today", "Срок реакции сегодня"},
	"due tomorrow":     {"Reaction due the next business day", "Срок реакции в следующий рабочий день"},
	"subject":          {"Subject", "Тема"},
	"count":            {"Count", "Количество"},
	"total":            {"Total", "Всего"},
	"opened":           {"Opened", "Поступило"},
	"open at end":      {"Open at the month's end", "Открыто на конец месяца"},
	"contract dates":   {"Support contract", "Договор поддержки"},
	"contract.full":    {"covers the whole month", "действует весь месяц"},
	"contract.partial": {"covers part of the month", "действует часть месяца"},
	"contract.none":    {"none in this month", "в этом месяце не действует"},
	"no contract":      {"no contract", "нет договора"},
	"escalations":      {"Escalations to development (Q13)", "Передано в разработку (Q13)"},
	"task":             {"Task", "Задача"},
	"fixed in":         {"Fixed in", "Исправлено в версии"},
	"not released":     {"not released yet", "ещё не выпущено"},
	"month requests":   {"Requests of the month", "Обращения месяца"},
	"still open":       {"Still open", "Остаются открытыми"},
	"status":           {"Status", "Состояние"},
	"created":          {"Created", "Поступило"},
	"reaction":         {"Reaction", "Реакция"},
	"answer":           {"Answer", "Ответ"},
	"closure":          {"Closed", "Закрыто"},
	"nothing open":     {"Nothing is open.", "Открытых обращений нет."},
	"no requests":      {"No requests.", "Обращений нет."},

	"st.new":                  {"new", "новое"},
	"st.in_progress":          {"in progress", "в работе"},
	"st.waiting_for_customer": {"waiting for the customer", "ждёт заказчика"},
	"st.resolved":             {"resolved, awaiting confirmation", "решено, ждёт подтверждения"},
	"st.closed":               {"closed", "закрыто"},

	"pr.critical": {"critical", "критический"},
	"pr.high":     {"high", "высокий"},
	"pr.normal":   {"normal", "обычный"},
	"pr.low":      {"low", "низкий"},

	"re.met":      {"met", "в срок"},
	"re.breached": {"late", "с опозданием"},
	"re.overdue":  {"overdue", "просрочена"},
	"re.pending":  {"pending", "ожидается"},

	"cl.auto":      {"auto", "автоматически"},
	"cl.confirmed": {"confirmed", "подтверждено"},
	"cl.withdrawn": {"withdrawn", "отозвано"},

	"ans.lt4h":   {"< 4 h", "< 4 ч"},
	"ans.4h_1d":  {"4 h – 1 d", "4 ч – 1 дн"},
	"ans.1d_2d":  {"1–2 d", "1–2 дн"},
	"ans.2d_5d":  {"2–5 d", "2–5 дн"},
	"ans.5d_10d": {"5–10 d", "5–10 дн"},
	"ans.gt10d":  {"> 10 d", "> 10 дн"},

	"age.0":     {"today", "сегодня"},
	"age.1":     {"1", "1"},
	"age.2_3":   {"2–3", "2–3"},
	"age.4_5":   {"4–5", "4–5"},
	"age.6_10":  {"6–10", "6–10"},
	"age.11_20": {"11–20", "11–20"},
	"age.gt20":  {"> 20", "> 20"},
}

var monthsRu = []string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}
var monthsRuNom = []string{"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"}
var monthsRuShort = []string{"янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"}

// words is the vocabulary of one language.
type words struct{ ru bool }

func wordsOf(lang string) words { return words{ru: lang == "ru"} }

func (w words) t(key string) string {
	v, ok := texts[key]
	if !ok {
		return key
	}
	if w.ru {
		return v[1]
	}
	return v[0]
}

// of is a prefixed key, or the value itself when there is no word for it.
func (w words) of(prefix, v string) string {
	if _, ok := texts[prefix+v]; ok {
		return w.t(prefix + v)
	}
	return v
}

func (w words) f(key string, args ...any) string { return fmt.Sprintf(w.t(key), args...) }

// date is a day as people write it: 5 October 2026, 5 октября 2026.
func (w words) date(d bizcal.Date) string {
	if w.ru {
		return fmt.Sprintf("%d %s %d", d.Day, monthsRu[d.Month-1], d.Year)
	}
	return fmt.Sprintf("%d %s %d", d.Day, d.Month, d.Year)
}

// short is a day in a chart label: 5 Oct, 5 окт.
func (w words) short(d bizcal.Date) string {
	if w.ru {
		return fmt.Sprintf("%d %s", d.Day, monthsRuShort[d.Month-1])
	}
	return fmt.Sprintf("%d %s", d.Day, d.Month.String()[:3])
}

func (w words) month(d bizcal.Date) string {
	if w.ru {
		return monthsRuNom[d.Month-1] + " " + fmt.Sprint(d.Year)
	}
	return fmt.Sprintf("%s %d", d.Month, d.Year)
}

func (w words) monthShort(d bizcal.Date) string {
	if w.ru {
		return monthsRuShort[d.Month-1] + " " + fmt.Sprint(d.Year%100)
	}
	return fmt.Sprintf("%s %02d", d.Month.String()[:3], d.Year%100)
}

func (w words) span(from, to bizcal.Date) string {
	return w.date(from) + " – " + w.date(to)
}

// stamp is a time in the support zone: 2026-10-05 14:30 MSK.
func stamp(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

func stampp(t *time.Time, loc *time.Location) string {
	if t == nil {
		return "—"
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

func (w words) hours(h *float64) string {
	if h == nil {
		return "—"
	}
	s := strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", *h), "0"), ".")
	if w.ru {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s + " " + w.t("hours")
}

func (w words) share(p *float64) string {
	if p == nil {
		return "—"
	}
	s := fmt.Sprintf("%.1f", *p*100)
	if w.ru {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s + " %"
}

func (w words) policy(p Policy) string {
	s := w.f("policy.line", p.WorkingHours, p.TimeZone, p.AutocloseBusinessDays)
	if p.PriorityRequiresContract {
		s += "; " + w.t("policy.a4")
	}
	return s
}

// periodLabel names a bar: the week's first day, or the month.
func (w words) periodLabel(p Period, by string) string {
	if by == "month" {
		return w.monthShort(p.Start)
	}
	return w.short(p.Start)
}
