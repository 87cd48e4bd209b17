package themes

import (
	"fmt"
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"
)

// Palette is a theme's colours. Every field is set by a palette; a nil
// colour means "the terminal's default".
type Palette struct {
	Fg        color.Color // normal text
	Muted     color.Color // secondary text: hints, units, empty cells
	Subtle    color.Color // pane borders that do not have focus
	Accent    color.Color // focused borders, titles, keys in hints
	SelBg     color.Color // selected row background
	SelFg     color.Color // selected row foreground
	Good      color.Color // up
	Warn      color.Color // stale, reconnecting
	Bad       color.Color // dropped, failed, errors
	Busy      color.Color // connecting, resolving
	Attention color.Color // needs you (prompts)
	Match     color.Color // fuzzy-filter matches, marked rows
}

// Styles are the Lip Gloss styles the dashboard renders with. They are built
// from a Palette by New; the UI never creates colours of its own.
type Styles struct {
	Base  lipgloss.Style // normal text
	Muted lipgloss.Style // secondary text
	Bold  lipgloss.Style // emphasis without colour

	AppTitle    lipgloss.Style // "sshdash" in the tab bar
	TabActive   lipgloss.Style // the focused tab
	TabInactive lipgloss.Style // other tabs

	Border        lipgloss.Style // pane border without focus (foreground only)
	BorderFocused lipgloss.Style // pane border with focus
	PaneTitle     lipgloss.Style // title set into a pane's top border

	Header   lipgloss.Style // table header row
	Selected lipgloss.Style // the cursor row (reverse video without colour)
	Marked   lipgloss.Style // multi-selected marker
	Group    lipgloss.Style // host group headings
	Match    lipgloss.Style // fuzzy-filter match highlight

	// Session states. Colour is never the only signal: the UI always pairs
	// these with an icon and a word.
	StateUp        lipgloss.Style
	StateStale     lipgloss.Style
	StateDown      lipgloss.Style // dropped
	StateReconnect lipgloss.Style
	StateFailed    lipgloss.Style
	StateNeedsYou  lipgloss.Style
	StateBusy      lipgloss.Style // resolving, connecting
	StateClosed    lipgloss.Style

	Spark lipgloss.Style // RTT sparkline

	StatusInfo  lipgloss.Style // status line: information
	StatusError lipgloss.Style // status line: errors
	StatusOK    lipgloss.Style // status line: success

	HintKey  lipgloss.Style // key in the one-line hint / help
	HintDesc lipgloss.Style // description in the hint / help
	HintSep  lipgloss.Style // separator between hints

	Modal       lipgloss.Style // modal border (foreground only)
	ModalTitle  lipgloss.Style // modal title
	Label       lipgloss.Style // form labels
	Input       lipgloss.Style // text typed into inputs
	Placeholder lipgloss.Style // input placeholders
	Cursor      lipgloss.Style // the virtual text cursor
	Option      lipgloss.Style // an unchosen option in a choice field
	OptionOn    lipgloss.Style // the chosen option
	Button      lipgloss.Style
	ButtonFocus lipgloss.Style
	Error       lipgloss.Style // validation errors in forms
	Fingerprint lipgloss.Style // host key fingerprints

	Outlier lipgloss.Style // a session whose output differs from the others' after a broadcast
	Banner  lipgloss.Style // the broadcast banner and editor label
}

// Theme is a named palette and the styles built from it.
type Theme struct {
	Name     string // as passed to New, e.g. "auto"
	Palette  string // the palette actually used, e.g. "dark" for auto on a dark terminal
	Dark     bool   // built for a dark background
	NoColor  bool   // built without colours (NO_COLOR)
	Adaptive bool   // depends on the background: rebuild when it becomes known
	Colors   Palette
	Styles   Styles
}

// Names lists the theme names New accepts, "auto" first.
func Names() []string {
	return []string{"auto", "dark", "light", "high-contrast", "catppuccin-mocha", "dracula", "nord"}
}

// palette returns the fixed palette called name for a dark (true) or light
// background.
func palette(name string, dark bool) (Palette, bool) {
	switch name {
	case "dark":
		return darkPalette(), true
	case "light":
		return lightPalette(), true
	case "high-contrast":
		return highContrastPalette(dark), true
	case "catppuccin-mocha":
		return catppuccinMochaPalette(), true
	case "dracula":
		return draculaPalette(), true
	case "nord":
		return nordPalette(), true
	}
	return Palette{}, false
}

// New builds the named theme. hasDarkBG says whether the terminal's
// background is dark (it selects the palette for "auto" and adjusts
// "high-contrast"); noColor builds styles without any colour, keeping bold,
// underline and reverse video so that the selection and headings stay
// visible. An unknown name is an error that lists the known ones.
func New(name string, hasDarkBG bool, noColor bool) (Theme, error) {
	if name == "" {
		name = "auto"
	}
	t := Theme{Name: name, Dark: hasDarkBG, NoColor: noColor}
	var p Palette
	switch name {
	case "auto":
		t.Adaptive = true
		if hasDarkBG {
			t.Palette, p = "dark", darkPalette()
		} else {
			t.Palette, p = "light", lightPalette()
		}
	default:
		var ok bool
		if p, ok = palette(name, hasDarkBG); !ok {
			return Theme{}, fmt.Errorf("unknown theme %q (known: %s)", name, strings.Join(Names(), ", "))
		}
		t.Palette = name
		if name == "high-contrast" {
			t.Adaptive = true
		}
	}
	if noColor {
		p = Palette{}
	}
	t.Colors = p
	t.Styles = build(p, name == "high-contrast", noColor)
	return t, nil
}

// MustNew is New for names known to be valid (tests, defaults); it panics
// on an unknown name.
func MustNew(name string, hasDarkBG, noColor bool) Theme {
	t, err := New(name, hasDarkBG, noColor)
	if err != nil {
		panic(err)
	}
	return t
}

func fg(c color.Color) lipgloss.Style {
	s := lipgloss.NewStyle()
	if c != nil {
		s = s.Foreground(c)
	}
	return s
}

func build(p Palette, strong, noColor bool) Styles {
	base := fg(p.Fg)
	var s Styles
	s.Base = base
	s.Bold = lipgloss.NewStyle().Bold(true)
	s.Muted = fg(p.Muted)
	if noColor {
		s.Muted = lipgloss.NewStyle().Faint(true)
	}
	s.AppTitle = fg(p.Accent).Bold(true)
	s.TabActive = fg(p.Accent).Bold(true).Underline(true)
	s.TabInactive = fg(p.Muted)
	s.Border = fg(p.Subtle)
	s.BorderFocused = fg(p.Accent).Bold(strong || noColor)
	s.PaneTitle = fg(p.Accent).Bold(true)
	s.Header = fg(p.Muted).Bold(true)
	if noColor {
		s.Header = lipgloss.NewStyle().Bold(true).Underline(true)
	}

	if noColor || p.SelBg == nil {
		s.Selected = lipgloss.NewStyle().Reverse(true).Bold(true)
	} else {
		s.Selected = lipgloss.NewStyle().Background(p.SelBg).Foreground(p.SelFg).Bold(true)
	}
	s.Marked = fg(p.Match).Bold(true)
	s.Group = fg(p.Accent).Bold(true)
	s.Match = fg(p.Match).Underline(true)

	s.StateUp = fg(p.Good)
	s.StateStale = fg(p.Warn)
	s.StateDown = fg(p.Bad).Bold(true)
	s.StateReconnect = fg(p.Warn)
	s.StateFailed = fg(p.Bad).Bold(true)
	s.StateNeedsYou = fg(p.Attention).Bold(true)
	s.StateBusy = fg(p.Busy)
	s.StateClosed = fg(p.Muted)
	if strong {
		s.StateUp = s.StateUp.Bold(true)
		s.StateStale = s.StateStale.Bold(true)
		s.StateReconnect = s.StateReconnect.Bold(true)
		s.StateBusy = s.StateBusy.Bold(true)
	}
	s.Spark = fg(p.Busy)

	s.StatusInfo = base
	s.StatusError = fg(p.Bad).Bold(true)
	s.StatusOK = fg(p.Good)

	s.HintKey = fg(p.Accent).Bold(true)
	s.HintDesc = fg(p.Muted)
	s.HintSep = fg(p.Subtle)
	if noColor {
		s.HintDesc = lipgloss.NewStyle()
	}

	s.Modal = fg(p.Accent)
	s.ModalTitle = fg(p.Accent).Bold(true)
	s.Label = fg(p.Muted)
	if noColor {
		s.Label = lipgloss.NewStyle()
	}
	s.Input = base
	s.Placeholder = fg(p.Muted)
	if noColor {
		s.Placeholder = lipgloss.NewStyle().Faint(true)
	}
	s.Cursor = fg(p.Accent)
	s.Option = fg(p.Muted)
	s.OptionOn = s.Selected
	s.Button = fg(p.Muted)
	s.ButtonFocus = s.Selected
	s.Error = fg(p.Bad).Bold(true)
	s.Fingerprint = fg(p.Attention).Bold(true)
	s.Outlier = fg(p.Attention).Bold(true).Underline(true)
	s.Banner = fg(p.Attention).Bold(true).Reverse(true)
	return s
}
