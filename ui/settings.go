package ui

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/keepalive"
)

// Messages the settings form sends to the root model.
type (
	settingsSaveMsg struct {
		pattern string
		hs      HostSettings
	}
	settingsCancelMsg struct{}
	// settingsUnchangedMsg: saved with no change; nothing is written.
	settingsUnchangedMsg struct{ alias string }
)

// The choices of the form's choice fields.
func heartbeatModes() []keepalive.Mode {
	return []keepalive.Mode{keepalive.ModeProbe, keepalive.ModeNoop, keepalive.ModeTCP, keepalive.ModeOff}
}

func reattachChoices() []string { return []string{"auto", "tmux", "screen", "none"} }

// Fields of the settings form, in tab order.
const (
	fieldMode = iota
	fieldInterval
	fieldCount
	fieldReattach
	fieldTags
	fieldPattern
	fieldSave
	fieldCancel
	numFields
)

// Limits of the heartbeat settings the form accepts.
const (
	minInterval = time.Second
	maxInterval = time.Hour
	maxCount    = 100
)

// settingsModel is the per-host settings form: heartbeat mode, interval,
// count and reattach method, saved for a Host pattern.
type settingsModel struct {
	sh       *shared
	host     Host
	mode     int // index into heartbeatModes
	reattach int // index into reattachChoices
	interval textinput.Model
	count    textinput.Model
	tags     textinput.Model // comma-separated
	pattern  textinput.Model
	focus    int
	// The values the form opened with: a field still at its value is
	// not written, so it goes on following ssh_config and the defaults.
	initMode, initReattach int
	initInterval           time.Duration
	initCount              int
	initTags               []string
	err                    string
	saving                 bool
	w                      int
	compact                bool // short labels, no explanations (small screens)
}

func newSettingsModel(sh *shared, h Host) settingsModel {
	m := settingsModel{sh: sh, host: h}
	hb := h.Heartbeat
	if hb.Mode == "" {
		hb = keepalive.Default()
	}
	for i, md := range heartbeatModes() {
		if md == hb.Mode {
			m.mode = i
		}
	}
	for i, r := range reattachChoices() {
		if r == h.Reattach {
			m.reattach = i
		}
	}
	iv := hb.Interval
	if iv <= 0 {
		iv = keepalive.DefaultInterval
	}
	cnt := hb.Count
	if cnt <= 0 {
		cnt = keepalive.DefaultCount
	}
	m.interval = newInput(shortDuration(iv), "e.g. 15s", 12)
	m.count = newInput(strconv.Itoa(cnt), "e.g. 3", 4)
	m.initMode, m.initReattach, m.initInterval, m.initCount = m.mode, m.reattach, iv, cnt
	m.pattern = newInput(h.Alias, "Host pattern", 64)
	m.initTags = settingsTags(h)
	m.tags = newInput(strings.Join(m.initTags, ", "), "e.g. prod, db", 256)
	m.applyTheme()
	return m
}

func newInput(value, placeholder string, limit int) textinput.Model {
	ti := textinput.New()
	ti.Prompt = ""
	ti.Placeholder = placeholder
	ti.CharLimit = limit
	ti.SetValue(value)
	return ti
}

// shortDuration renders 15s, 1m30s, 2m, 1h rather than 2m0s or 1h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

func (m *settingsModel) applyTheme() {
	if m.sh == nil {
		return
	}
	is := inputStyles(&m.sh.st)
	m.interval.SetStyles(is)
	m.count.SetStyles(is)
	m.tags.SetStyles(is)
	m.pattern.SetStyles(is)
}

// setSize fits the form to a w×h screen: at most w-4 wide (40 at least,
// the screen's width below that), and compact (short labels, no
// explanations) when the full form would not fit in h rows or w columns.
func (m *settingsModel) setSize(w, h int) {
	m.w = clamp(w-4, 40, 64)
	if w < 44 {
		m.w = max(w, 20)
	}
	m.compact = h < 22 || m.w < 56
	m.pattern.SetWidth(max(m.w-m.labelWidth()-8, 6))
	m.tags.SetWidth(max(m.w-m.labelWidth()-8, 6))
	m.interval.SetWidth(12)
	m.count.SetWidth(6)
}

// Init focuses the first field.
func (m *settingsModel) Init() tea.Cmd { return m.focusField(fieldMode, 1) }

// focusField moves the focus to field f, or on in direction dir past
// fields the chosen mode does not use.
func (m *settingsModel) focusField(f, dir int) tea.Cmd {
	f = (f%numFields + numFields) % numFields
	for !m.usesInterval() && (f == fieldInterval || f == fieldCount) {
		f = (f + dir + numFields) % numFields
	}
	m.focus = f
	m.interval.Blur()
	m.count.Blur()
	m.tags.Blur()
	m.pattern.Blur()
	switch f {
	case fieldTags:
		return m.tags.Focus()
	case fieldInterval:
		return m.interval.Focus()
	case fieldCount:
		return m.count.Focus()
	case fieldPattern:
		return m.pattern.Focus()
	}
	return nil
}

func (m settingsModel) usesInterval() bool {
	md := heartbeatModes()[m.mode]
	return md == keepalive.ModeProbe || md == keepalive.ModeNoop
}

// validate checks the form and returns what to save.
func (m settingsModel) validate() (string, HostSettings, error) {
	pattern := strings.TrimSpace(m.pattern.Value())
	if pattern == "" {
		return "", HostSettings{}, errors.New("the host pattern is empty")
	}
	if strings.ContainsAny(pattern, " \t") {
		return "", HostSettings{}, errors.New("the host pattern must be a single word (wildcards * and ? are allowed)")
	}
	tags, err := parseTags(m.tags.Value())
	if err != nil {
		return "", HostSettings{}, err
	}
	hs := HostSettings{Reattach: reattachChoices()[m.reattach], Tags: tags}
	if !slices.Equal(tags, m.initTags) {
		hs.Changed |= FieldTags
	}
	hs.Heartbeat.Mode = heartbeatModes()[m.mode]
	if m.mode != m.initMode {
		hs.Changed |= FieldMode
	}
	if m.reattach != m.initReattach {
		hs.Changed |= FieldReattach
	}
	if !m.usesInterval() {
		return pattern, hs, nil
	}
	iv, err := parseInterval(m.interval.Value())
	if err != nil {
		return "", HostSettings{}, err
	}
	hs.Heartbeat.Interval = iv
	n, err := strconv.Atoi(strings.TrimSpace(m.count.Value()))
	if err != nil || n < 1 || n > maxCount {
		return "", HostSettings{}, fmt.Errorf("the count must be a whole number from 1 to %d", maxCount)
	}
	hs.Heartbeat.Count = n
	if iv != m.initInterval {
		hs.Changed |= FieldInterval
	}
	if n != m.initCount {
		hs.Changed |= FieldCount
	}
	return pattern, hs, nil
}

// save validates the form and asks for it to be saved, or, when nothing
// was changed, closes it without writing anything.
func (m settingsModel) save() (settingsModel, tea.Cmd) {
	pattern, hs, err := m.validate()
	if err != nil {
		m.err = err.Error()
		return m, nil
	}
	if hs.Changed == 0 {
		return m, emit(settingsUnchangedMsg{alias: m.host.Alias})
	}
	m.err, m.saving = "", true
	return m, emit(settingsSaveMsg{pattern: pattern, hs: hs})
}

// parseInterval accepts a Go duration ("15s", "1m30s") or whole seconds ("15").
func parseInterval(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var d time.Duration
	if n, err := strconv.Atoi(s); err == nil {
		d = time.Duration(n) * time.Second
	} else if d, err = time.ParseDuration(s); err != nil {
		return 0, fmt.Errorf("the interval %q is not a duration such as 15s or 1m", s)
	}
	if d < minInterval || d > maxInterval {
		return 0, fmt.Errorf("the interval must be between %s and %s", minInterval, shortDuration(maxInterval))
	}
	return d, nil
}

// saveFailed shows why saving failed; the form stays open.
func (m *settingsModel) saveFailed(err error) {
	m.saving = false
	m.err = "could not save: " + err.Error()
}

// Update handles the form's keys.
func (m settingsModel) Update(msg tea.Msg) (settingsModel, tea.Cmd) {
	if m.saving {
		return m, nil
	}
	if paste, ok := msg.(tea.PasteMsg); ok {
		var cmd tea.Cmd
		switch m.focus {
		case fieldInterval:
			m.interval, cmd = m.interval.Update(paste)
		case fieldCount:
			m.count, cmd = m.count.Update(paste)
		case fieldTags:
			m.tags, cmd = m.tags.Update(paste)
		case fieldPattern:
			m.pattern, cmd = m.pattern.Update(paste)
		}
		return m, cmd
	}
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	k := m.sh.keys
	textField := m.focus == fieldInterval || m.focus == fieldCount || m.focus == fieldTags || m.focus == fieldPattern
	switch {
	case key.Matches(kp, k.Cancel):
		return m, emit(settingsCancelMsg{})
	case key.Matches(kp, k.Save):
		return m.save()
	case key.Matches(kp, k.Submit):
		// Enter presses the focused button, and elsewhere moves on to
		// the next field, as in a terminal form; ctrl+s saves.
		switch m.focus {
		case fieldCancel:
			return m, emit(settingsCancelMsg{})
		case fieldSave:
			return m.save()
		}
		return m, m.focusField(m.focus+1, 1)
	case key.Matches(kp, k.NextField), !textField && key.Matches(kp, k.Down):
		return m, m.focusField(m.focus+1, 1)
	case key.Matches(kp, k.PrevField), !textField && key.Matches(kp, k.Up):
		return m, m.focusField(m.focus-1, -1)
	}
	if !textField {
		d := 0
		switch {
		case key.Matches(kp, k.Left):
			d = -1
		case key.Matches(kp, k.Right):
			d = 1
		}
		switch m.focus {
		case fieldMode:
			n := len(heartbeatModes())
			m.mode = ((m.mode+d)%n + n) % n
		case fieldReattach:
			n := len(reattachChoices())
			m.reattach = ((m.reattach+d)%n + n) % n
		case fieldSave, fieldCancel:
			if d != 0 {
				if m.focus == fieldSave {
					m.focus = fieldCancel
				} else {
					m.focus = fieldSave
				}
			}
		}
		m.err = ""
		return m, nil
	}
	var cmd tea.Cmd
	switch m.focus {
	case fieldInterval:
		m.interval, cmd = m.interval.Update(msg)
	case fieldCount:
		m.count, cmd = m.count.Update(msg)
	case fieldTags:
		m.tags, cmd = m.tags.Update(msg)
	case fieldPattern:
		m.pattern, cmd = m.pattern.Update(msg)
	}
	m.err = ""
	return m, cmd
}
