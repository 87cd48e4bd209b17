// The settings form's tags field: comma-separated tags for the settings
// file's [[host]] entry.

package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sshdash/sshdash/config"
)

// settingsTags are the host's tags the form can edit: those not from an
// ssh_config comment.
func settingsTags(h Host) []string {
	var out []string
	for _, t := range h.Tags {
		if !slices.Contains(h.ConfigTags, t) {
			out = append(out, t)
		}
	}
	return out
}

// parseTags reads the tags field: tags separated by commas or blanks, a
// leading '#' allowed, lower-cased, duplicates dropped.
func parseTags(s string) ([]string, error) {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		w = strings.TrimPrefix(w, "#")
		if w == "" {
			continue
		}
		if err := config.CheckTag(w); err != nil {
			return nil, fmt.Errorf("tags: %w", err)
		}
		out = config.AddTags(out, w)
	}
	return out, nil
}
