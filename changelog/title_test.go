package changelog

import "testing"

func TestTitleWithoutItsKey(t *testing.T) {
	for subject, want := range map[string]string{
		"SRV-43 Export to CSV":   "Export to CSV",
		"[SRV-43] Export to CSV": "Export to CSV",
		"srv-43: Export":         "Export",
		"SRV-430 Export":         "SRV-430 Export",
		"SRV-43":                 "SRV-43",
		"Export for SRV-43":      "Export for SRV-43",
		"[SRV-43 Export":         "[SRV-43 Export",
		"Отчёт SRV-43":           "Отчёт SRV-43",
	} {
		if got := titleWithout("SRV-43", subject); got != want {
			t.Errorf("titleWithout(%q) = %q, want %q", subject, got, want)
		}
	}
}
