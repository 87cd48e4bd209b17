package settings

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseTTL reads detached-ttl: a Go duration ("36h"), a number of days
// ("7d"), whole seconds (an integer), or "off" / 0 for never.
func parseTTL(v any) (time.Duration, error) {
	switch x := v.(type) {
	case int64:
		if x < 0 {
			return 0, fmt.Errorf("want a duration such as \"7d\" or \"36h\", or \"off\"; got %d", x)
		}
		return time.Duration(x) * time.Second, nil
	case string:
		s := strings.TrimSpace(x)
		if s == "off" || s == "never" || s == "0" {
			return 0, nil
		}
		if d, ok := strings.CutSuffix(s, "d"); ok {
			n, err := strconv.ParseFloat(d, 64)
			if err == nil && n >= 0 && n <= 36500 {
				return time.Duration(n * float64(24*time.Hour)), nil
			}
		} else if d, err := time.ParseDuration(s); err == nil && d >= 0 {
			return d, nil
		}
		return 0, fmt.Errorf("want a duration such as \"7d\" or \"36h\", or \"off\"; got %q", x)
	}
	return 0, fmt.Errorf("want a duration such as \"7d\" or \"36h\", or \"off\"; got %s", typeName(v))
}
