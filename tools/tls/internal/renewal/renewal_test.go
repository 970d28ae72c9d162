package renewal

import (
	"testing"
	"time"
)

func TestDue(t *testing.T) {
	end := time.Date(2030, 1, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		early int
		now   time.Time
		want  bool
	}{
		{"long before expiry", 0, end.Add(-100 * time.Hour), false},
		{"a second before expiry, no early renewal", 0, end.Add(-time.Second), false},
		{"at expiry", 0, end, true},
		{"after expiry", 0, end.Add(time.Hour), true},
		{"outside the early window", 24, end.Add(-25 * time.Hour), false},
		{"at the start of the early window", 24, end.Add(-24 * time.Hour), true},
		{"inside the early window", 24, end.Add(-23 * time.Hour), true},
		{"window longer than the validity", 1000, end.Add(-999 * time.Hour), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Due(end, tt.early, tt.now); got != tt.want {
				t.Errorf("Due = %v, want %v", got, tt.want)
			}
			got, err := DueText(Format(end), tt.early, tt.now)
			if err != nil || got != tt.want {
				t.Errorf("DueText = %v, %v, want %v", got, err, tt.want)
			}
		})
	}
}

func TestFormatParse(t *testing.T) {
	local := time.FixedZone("X", 2*3600)
	at := time.Date(2030, 1, 10, 14, 0, 5, 0, local)
	if got := Format(at); got != "2030-01-10T12:00:05Z" {
		t.Errorf("Format = %q", got)
	}
	for _, text := range []string{"2030-01-10T12:00:05Z", "2030-01-10T14:00:05+02:00", "2030-01-10T12:00:05.000000123Z"} {
		got, err := Parse(text)
		if err != nil {
			t.Fatalf("Parse(%q): %v", text, err)
		}
		if !got.Truncate(time.Second).Equal(at) {
			t.Errorf("Parse(%q) = %v, want %v", text, got, at)
		}
	}
	if _, err := Parse("yesterday"); err == nil {
		t.Error("Parse accepted a non-RFC 3339 time")
	}
	if _, err := DueText("", 0, at); err == nil {
		t.Error("DueText accepted an empty time")
	}
}
