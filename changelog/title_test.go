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

func TestTitleWithoutTheCommitsKeys(t *testing.T) {
	keys := []string{"SRV-46", "SRV-47"}
	for subject, want := range map[string]string{
		"SRV-46 SRV-47 two keys":    "two keys",
		"SRV-47 SRV-46 two keys":    "two keys",
		"[SRV-46][SRV-47] two keys": "two keys",
		"SRV-46, SRV-47: two keys":  "two keys",
		"SRV-46 SRV-48 other key":   "SRV-48 other key",
		"SRV-46 SRV-47":             "SRV-47",
		"two keys (SRV-46, SRV-47)": "two keys (SRV-46, SRV-47)",
	} {
		if got := titleWithoutKeys(keys, subject); got != want {
			t.Errorf("titleWithoutKeys(%q) = %q, want %q", subject, got, want)
		}
	}
}
