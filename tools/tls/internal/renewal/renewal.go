// Package renewal holds the early-renewal rule of the certificate resources
// and the form of their validity times.
package renewal

import (
	"fmt"
	"time"
)

// Due reports whether a certificate valid until end is ready for renewal at
// now: when now is at or past end minus earlyRenewalHours (upstream's rule;
// an expired certificate is always due).
func Due(end time.Time, earlyRenewalHours int, now time.Time) bool {
	return !now.Before(end.Add(-time.Duration(earlyRenewalHours) * time.Hour))
}

// DueText is Due for a validityEndTime output.
func DueText(end string, earlyRenewalHours int, now time.Time) (bool, error) {
	t, err := Parse(end)
	if err != nil {
		return false, err
	}
	return Due(t, earlyRenewalHours, now), nil
}

// Format writes a validity time as the outputs hold it: RFC 3339 in UTC.
func Format(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Parse reads a validity time written by Format (or any RFC 3339 time, as
// upstream state may hold fractional seconds and offsets).
func Parse(text string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, text)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid validity time %q: %w", text, err)
	}
	return t, nil
}
