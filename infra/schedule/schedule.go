// Package schedule reads cron schedules as a Kubernetes CronJob reads them,
// in UTC: with robfig/cron/v3's standard parser, the one the CronJob
// controller uses, so that a schedule the configuration accepts is one the
// API server accepts, and the other way round.
package schedule

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule is a parsed cron schedule.
type Schedule struct {
	expr string
	cron cron.Schedule
}

// Parse reads a five-field cron expression ("0 3 * * *") or a descriptor
// ("@daily"). A time-zone prefix is refused: the project's jobs run in UTC,
// which their spec.timeZone says.
func Parse(expr string) (Schedule, error) {
	trimmed := strings.TrimSpace(expr)
	if strings.HasPrefix(trimmed, "TZ=") || strings.HasPrefix(trimmed, "CRON_TZ=") {
		return Schedule{}, fmt.Errorf("names a time zone: schedules are in UTC, so give the time in UTC without a prefix")
	}
	if strings.HasPrefix(trimmed, "@every") {
		return Schedule{}, fmt.Errorf("@every counts from when the controller starts, not from the clock: give minute, hour, day of month, month and day of week")
	}
	parsed, err := cron.ParseStandard(trimmed)
	if err != nil {
		return Schedule{}, fmt.Errorf("is not a cron schedule (minute hour day-of-month month day-of-week, or @daily, @weekly...): %v", err)
	}
	return Schedule{expr: trimmed, cron: parsed}, nil
}

// String is the expression as parsed.
func (s Schedule) String() string { return s.expr }

// Next is the first run after t, in UTC.
func (s Schedule) Next(t time.Time) time.Time { return s.cron.Next(t.UTC()) }

// LongestGap is the longest time between two consecutive runs, the first
// of them within a year of from: how old the newest run may be when all is
// well. It is zero for a schedule that does not run within that year.
func (s Schedule) LongestGap(from time.Time) time.Duration {
	var longest time.Duration
	prev := s.Next(from)
	end := from.AddDate(1, 0, 0)
	for prev.Before(end) && !prev.IsZero() {
		next := s.Next(prev)
		if next.IsZero() {
			break
		}
		if gap := next.Sub(prev); gap > longest {
			longest = gap
		}
		prev = next
	}
	return longest
}
