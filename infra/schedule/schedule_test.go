package schedule

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		expr, err string
	}{
		{"0 3 * * *", ""},
		{"@daily", ""},
		{"30 */6 * * 1-5", ""},
		{"0 3 * * MON", ""},
		{"0 3 * *", "is not a cron schedule (minute hour day-of-month month day-of-week, or @daily, @weekly...): expected exactly 5 fields, found 4: [0 3 * *]"},
		{"61 3 * * *", "is not a cron schedule (minute hour day-of-month month day-of-week, or @daily, @weekly...): end of range (61) above maximum (59): 61"},
		{"TZ=Europe/Paris 0 3 * * *", "names a time zone: schedules are in UTC, so give the time in UTC without a prefix"},
		{"CRON_TZ=UTC 0 3 * * *", "names a time zone: schedules are in UTC, so give the time in UTC without a prefix"},
		{"@every 6h", "@every counts from when the controller starts, not from the clock: give minute, hour, day of month, month and day of week"},
	} {
		_, err := Parse(c.expr)
		if c.err == "" {
			assert.NoError(t, err, c.expr)
		} else {
			assert.EqualError(t, err, c.err, c.expr)
		}
	}
}

func TestNextIsUTC(t *testing.T) {
	s, err := Parse("0 3 * * *")
	require.NoError(t, err)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone data")
	}
	// 02:30 UTC on a day in Paris: the next run is 03:00 UTC that day.
	from := time.Date(2026, 12, 3, 3, 30, 0, 0, paris)
	assert.Equal(t, time.Date(2026, 12, 3, 3, 0, 0, 0, time.UTC), s.Next(from))
}

func TestLongestGap(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for expr, want := range map[string]time.Duration{
		"0 3 * * *":     24 * time.Hour,
		"0 */6 * * *":   6 * time.Hour,
		"0 3 * * 1-5":   72 * time.Hour, // Friday to Monday
		"@weekly":       7 * 24 * time.Hour,
		"0 0 1 * *":     31 * 24 * time.Hour,
		"0 3,15 * * *":  12 * time.Hour,
		"15 2 * * 0,3":  4 * 24 * time.Hour, // Wednesday to Sunday
		"0 12 29 2 *":   0,                  // no run within a year of 2026
		"0 12 1 1,7 *":  184 * 24 * time.Hour,
		"59 23 31 12 *": 365 * 24 * time.Hour,
	} {
		s, err := Parse(expr)
		require.NoError(t, err)
		assert.Equal(t, want, s.LongestGap(from), expr)
	}
}
