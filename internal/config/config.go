// Package config loads sustain's settings: defaults, then the user file
// ($XDG_CONFIG_HOME/sustain/config.yaml), then the repository file
// (.sustain.yaml, found by walking up), then SUSTAIN_* environment variables.
// Flags are applied last by the command that owns them.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sustain-cli/sustain/internal/lazyre"
)

// RepoFileName is the per-repository configuration file, found by walking up
// from the working directory.
const RepoFileName = ".sustain.yaml"

// Config is the whole configuration. Field tags are the documented keys.
type Config struct {
	// Store is where the ticket store lives (used by the ticket commands).
	Store      string               `yaml:"store"`
	Versioning Versioning           `yaml:"versioning"`
	Jira       Jira                 `yaml:"jira"`
	Components map[string]Component `yaml:"components"`
	Support    Support              `yaml:"support"`
	Changelog  Changelog            `yaml:"changelog"`
	Mail       Mail                 `yaml:"mail"`

	// storeDir is the directory of the config file that set store, against
	// which a relative store path resolves; empty when the environment set it
	// (relative to the working directory, as a flag is).
	storeDir string

	// origin remembers where each key was set ("file:line" or "env NAME"),
	// so validation errors can point at the line to fix.
	origin map[string]string
}

// Versioning configures how versions are derived from git history.
type Versioning struct {
	Scheme             string `yaml:"scheme"`
	TagFormat          string `yaml:"tag_format"`
	ComponentTagFormat string `yaml:"component_tag_format"`
	BuildFormat        string `yaml:"build_format"`
	FirstVersion       string `yaml:"first_version"`
	Prereleases        string `yaml:"prereleases"` // exclude (default) or include
	Timezone           string `yaml:"timezone"`
	Tagger             Person `yaml:"tagger"`
}

// Person is a name and an e-mail address.
type Person struct {
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
}

// Jira holds the Jira connection, the development project, and how
// requests and change documents use Jira.
type Jira struct {
	URL     string `yaml:"url"`
	Project string `yaml:"project"`
	User    string `yaml:"user"` // Cloud: the account e-mail (basic auth); empty: a Server / DC bearer token
	// Token is for SUSTAIN_JIRA_TOKEN; found in a file it is used with a
	// warning, since files get committed.
	Token          string            `yaml:"token"`
	TokenFile      string            `yaml:"token_file"`
	Deployment     string            `yaml:"deployment"` // cloud or server; default from the host name
	TimeoutSeconds int               `yaml:"timeout_seconds"`
	Retries        int               `yaml:"retries"`
	CacheTTL       string            `yaml:"cache_ttl"`   // how long fetched issues are reused
	IssueTypes     map[string]string `yaml:"issue_types"` // Jira issue type → change-document section id
	Requests       JiraRequests      `yaml:"requests"`
}

// JiraRequests maps support requests onto a Jira project (the Jira store).
type JiraRequests struct {
	Project     string              `yaml:"project"`    // default: the store URL's project, else support.prefix
	IssueType   string              `yaml:"issue_type"` // the issue type of new requests
	Customers   string              `yaml:"customers"`  // the customers file; default customers.yaml beside .sustain.yaml
	Resolution  string              `yaml:"resolution"` // set when a transition requires one
	Transitions map[string]string   `yaml:"transitions"`
	Statuses    map[string][]string `yaml:"statuses"`
	Priorities  map[string]string   `yaml:"priorities"`
	Fields      map[string]string   `yaml:"fields"` // request data → custom field id
}

// Support is the support regulation the ticket commands follow.
type Support struct {
	Prefix                           string `yaml:"prefix"`
	AutocloseBusinessDays            int    `yaml:"autoclose_business_days"`
	ConfirmRequiresResponsiblePerson bool   `yaml:"confirm_requires_responsible_person"`
	EmailRequiresRegisteredSender    bool   `yaml:"email_requires_registered_sender"`
	PriorityRequiresContract         bool   `yaml:"priority_requires_contract"`
	Timezone                         string `yaml:"timezone"`
	WorkingHours                     string `yaml:"working_hours"`
	PhoneHours                       string `yaml:"phone_hours"` // Q10: phone requests Mon-Fri in these hours; "" takes them any time
	Calendar                         string `yaml:"calendar"`
	AttachmentMaxMB                  int    `yaml:"attachment_max_mb"`
	TextMaxKB                        int    `yaml:"text_max_kb"` // subjects, descriptions and action texts
	Actor                            string `yaml:"actor"`
	Lang                             string `yaml:"lang"` // the desk's output language: en or ru ("" is en); --lang, SUSTAIN_LANG
}

// Component is a part of the product released on its own.
type Component struct {
	Paths     []string `yaml:"paths"`
	TagFormat string   `yaml:"tag_format"`
	Docs      []string `yaml:"docs"` // the component's documentation (A2)
}

// Changelog shapes the change documents.
type Changelog struct {
	Projects          []string         `yaml:"projects"`    // Jira projects whose keys count; default jira.project
	KeyPattern        string           `yaml:"key_pattern"` // a regular expression for issue keys
	Sections          []ChangelogGroup `yaml:"sections"`    // order and conventional types of the sections
	RestartRequired   bool             `yaml:"restart_required"`
	MaintenanceWindow bool             `yaml:"maintenance_window"`
	UpgradeFrom       string           `yaml:"upgrade_from"` // oldest version that upgrades directly
	Lang              string           `yaml:"lang"`
}

// ChangelogGroup is a section of the list of changes.
type ChangelogGroup struct {
	ID    string   `yaml:"id"`
	Title string   `yaml:"title"` // default: the language's title for a known id, else the id
	Types []string `yaml:"types"`
}

// --- the e-mail channel (issue 9) ---

// Mail configures the desk's e-mail channel: intake, notices and their
// transport.
type Mail struct {
	Address      string   `yaml:"address"`       // the desk's address: From of notices
	Domain       string   `yaml:"domain"`        // of notices' Message-IDs; default: the address's domain
	Notify       bool     `yaml:"notify"`        // queue notices on staff actions
	Lang         string   `yaml:"lang"`          // default language of notices: ru or en
	ConfirmWords []string `yaml:"confirm_words"` // a first line that confirms an answer
	TemplatesDir string   `yaml:"templates_dir"` // overrides the embedded templates
	LoopID       string   `yaml:"loop_id"`       // our X-Loop value; default: the address
	MaxMessageMB int      `yaml:"max_message_mb"`
	IMAP         MailIMAP `yaml:"imap"`
	SMTP         MailSMTP `yaml:"smtp"`
	Transport    string   `yaml:"transport"` // smtp or dir
	Dir          string   `yaml:"dir"`       // where the dir transport writes .eml files
}

// MailIMAP is the mailbox `sustain mail fetch` reads.
type MailIMAP struct {
	Host         string `yaml:"host"`
	Port         int    `yaml:"port"`
	User         string `yaml:"user"`
	PasswordFile string `yaml:"password_file"` // or SUSTAIN_IMAP_PASSWORD
	Mailbox      string `yaml:"mailbox"`
	DoneMailbox  string `yaml:"done_mailbox"` // move handled messages here instead of marking them \Seen
	TLS          string `yaml:"tls"`          // imaps (default), starttls or none
}

// MailSMTP is the server `sustain mail send` delivers through.
type MailSMTP struct {
	Host         string `yaml:"host"`
	Port         int    `yaml:"port"`
	User         string `yaml:"user"`
	PasswordFile string `yaml:"password_file"` // or SUSTAIN_SMTP_PASSWORD
	TLS          string `yaml:"tls"`           // starttls (default), smtps or none
}

func (c *Config) validateMail(bad func(key, format string, args ...any) error) error {
	m := c.Mail
	if m.Lang != "" && m.Lang != "ru" && m.Lang != "en" {
		return bad("mail.lang", "%q: use ru or en", m.Lang)
	}
	switch m.Transport {
	case "", "smtp", "dir":
	default:
		return bad("mail.transport", "%q: use smtp or dir", m.Transport)
	}
	if m.MaxMessageMB < 0 {
		return bad("mail.max_message_mb", "%d: give a size in MiB", m.MaxMessageMB)
	}
	switch m.IMAP.TLS {
	case "", "imaps", "starttls", "none":
	default:
		return bad("mail.imap.tls", "%q: use imaps, starttls or none", m.IMAP.TLS)
	}
	switch m.SMTP.TLS {
	case "", "smtps", "starttls", "none":
	default:
		return bad("mail.smtp.tls", "%q: use starttls, smtps or none", m.SMTP.TLS)
	}
	return nil
}

// --- end of the e-mail channel ---

// Schemes known to the release package.
const (
	SchemeSemverJira = "semver-jira"
	SchemeBuild      = "build"
)

// versioning.prereleases: whether tags like v2.0.0-rc.1 are releases.
const (
	PrereleasesExclude = "exclude"
	PrereleasesInclude = "include"
)

// Default returns the built-in settings.
func Default() *Config {
	return &Config{
		Versioning: Versioning{
			Scheme:             SchemeSemverJira,
			TagFormat:          "v{version}",
			ComponentTagFormat: "{component}/v{version}",
			BuildFormat:        "{number} ({date})",
			FirstVersion:       "1.0",
			Prereleases:        PrereleasesExclude,
			Timezone:           "Europe/Moscow",
		},
		Changelog: Changelog{RestartRequired: true, MaintenanceWindow: true, Lang: "en"},
		Jira: Jira{
			TimeoutSeconds: 30,
			Retries:        4,
			CacheTTL:       "24h",
			IssueTypes:     map[string]string{"Bug": "fixed", "Story": "added", "New Feature": "added", "Task": "changed", "Improvement": "changed"},
			Requests: JiraRequests{
				IssueType:  "Task",
				Resolution: "Done",
				Transitions: map[string]string{"new": "Open", "in_progress": "In Progress", "waiting_for_customer": "Waiting for customer",
					"resolved": "Resolved", "closed": "Closed"},
				Statuses: map[string][]string{"new": {"Open", "To Do", "New"}, "in_progress": {"In Progress"},
					"waiting_for_customer": {"Waiting for customer"}, "resolved": {"Resolved", "Done"}, "closed": {"Closed"}},
				Priorities: map[string]string{"critical": "Highest", "high": "High", "normal": "Medium", "low": "Low"},
				Fields:     map[string]string{},
			},
		},
		Support: Support{
			Prefix:                        "SUP",
			AutocloseBusinessDays:         10,
			EmailRequiresRegisteredSender: true,
			Timezone:                      "Europe/Moscow",
			WorkingHours:                  "09:00-18:00",
			PhoneHours:                    "09:00-18:00",
			AttachmentMaxMB:               25,
			TextMaxKB:                     1024,
		},
		origin: map[string]string{},
	}
}

// Options says where to look for configuration.
type Options struct {
	// Dir is the directory to start the walk up for .sustain.yaml.
	Dir string
	// File, when set, replaces the walk (the --config flag).
	File string
	// UserFile is the user-level file; empty means the XDG default.
	UserFile string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// Environ lists the environment; nil means os.Environ.
	Environ func() []string
}

// Error is a configuration problem; the command layer maps it to a usage exit.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func errorf(format string, args ...any) error { return &Error{Msg: fmt.Sprintf(format, args...)} }

// Loaded is a configuration with the files it came from.
type Loaded struct {
	*Config
	Files []string
}

// Load reads every layer and validates the result.
func Load(opts Options) (*Loaded, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	environ := opts.Environ
	if environ == nil {
		environ = os.Environ
	}
	cfg := Default()
	out := &Loaded{Config: cfg}

	userFile := opts.UserFile
	if userFile == "" {
		userFile = UserFilePath(getenv)
	}
	if userFile != "" {
		if err := cfg.mergeFile(userFile, false); err != nil {
			return nil, err
		} else if fileExists(userFile) {
			out.Files = append(out.Files, userFile)
		}
	}

	repoFile := opts.File
	if repoFile == "" {
		repoFile = FindRepoFile(opts.Dir)
	}
	if repoFile != "" {
		if err := cfg.mergeFile(repoFile, opts.File != ""); err != nil {
			return nil, err
		}
		out.Files = append(out.Files, repoFile)
	}

	if err := cfg.mergeEnv(environ()); err != nil {
		return nil, err
	}
	cfg.applySchemeDefaults()
	cfg.Store = cfg.resolveStore(getenv)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return out, nil
}

// UserFilePath is $XDG_CONFIG_HOME/sustain/config.yaml, or ~/.config/... .
func UserFilePath(getenv func(string) string) string {
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "sustain", "config.yaml")
}

// FindRepoFile walks up from dir to the file system root looking for
// .sustain.yaml and returns its path, or "" when there is none.
func FindRepoFile(dir string) string {
	if dir == "" {
		dir = "."
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(abs, RepoFileName)
		if fileExists(p) {
			return p
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return ""
		}
		abs = parent
	}
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func (c *Config) mergeFile(path string, mustExist bool) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !mustExist {
		return nil
	}
	if err != nil {
		return errorf("cannot read config file: %v", err)
	}
	return c.mergeYAML(path, data)
}

// applySchemeDefaults gives the build scheme tag formats with {number}
// where nobody set a tag format.
func (c *Config) applySchemeDefaults() {
	if c.Versioning.Scheme != SchemeBuild {
		return
	}
	if _, set := c.origin["versioning.tag_format"]; !set {
		c.Versioning.TagFormat = "build-{number}"
	}
	if _, set := c.origin["versioning.component_tag_format"]; !set {
		c.Versioning.ComponentTagFormat = "{component}/build-{number}"
	}
}

// Origin says where key (e.g. "versioning.scheme") or, failing that, its
// nearest enclosing key was set; "default" when nothing set it.
func (c *Config) Origin(key string) string {
	for key != "" {
		if o, ok := c.origin[key]; ok {
			return o
		}
		i := strings.LastIndex(key, ".")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return "default"
}

var (
	jiraProjectRe = lazyre.New(`^[A-Z][A-Z0-9_]*$`)
	componentRe   = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	firstRe       = lazyre.New(`^\d+\.\d+$`)
)

// Validate checks values that decode fine but make no sense.
func (c *Config) Validate() error {
	v := c.Versioning
	bad := func(key, format string, args ...any) error {
		return errorf("%s: %s: %s", c.Origin(key), key, fmt.Sprintf(format, args...))
	}
	switch v.Scheme {
	case SchemeSemverJira, SchemeBuild:
	default:
		return bad("versioning.scheme", "unknown scheme %q (use %s or %s)", v.Scheme, SchemeSemverJira, SchemeBuild)
	}
	if _, err := time.LoadLocation(v.Timezone); err != nil {
		return bad("versioning.timezone", "unknown time zone %q (use an IANA name such as Europe/Moscow)", v.Timezone)
	}
	need := "{version}"
	if v.Scheme == SchemeBuild {
		need = "{number}"
	}
	if !strings.Contains(v.TagFormat, need) {
		return bad("versioning.tag_format", "%q must contain %s for the %s scheme", v.TagFormat, need, v.Scheme)
	}
	if !strings.Contains(v.ComponentTagFormat, need) || !strings.Contains(v.ComponentTagFormat, "{component}") {
		return bad("versioning.component_tag_format", "%q must contain {component} and %s", v.ComponentTagFormat, need)
	}
	if v.Prereleases != PrereleasesExclude && v.Prereleases != PrereleasesInclude {
		return bad("versioning.prereleases", "%q: use %s (tags like v2.0.0-rc.1 are not releases) or %s", v.Prereleases, PrereleasesExclude, PrereleasesInclude)
	}
	if !firstRe.MatchString(v.FirstVersion) {
		return bad("versioning.first_version", "%q is not MAJOR.MINOR (for example \"1.0\")", v.FirstVersion)
	}
	if c.Jira.Project != "" && !jiraProjectRe.MatchString(c.Jira.Project) {
		return bad("jira.project", "%q is not a Jira project key (upper-case letters, digits, _; for example SRV)", c.Jira.Project)
	}
	if err := c.validateSupport(bad); err != nil {
		return err
	}
	if err := c.validateJira(bad); err != nil {
		return err
	}
	if err := c.validateMail(bad); err != nil {
		return err
	}
	if l := c.Changelog.Lang; l != "en" && l != "ru" {
		return bad("changelog.lang", "%q: use en or ru", l)
	}
	if p := c.Changelog.KeyPattern; p != "" {
		if _, err := regexp.Compile(p); err != nil {
			return bad("changelog.key_pattern", "not a regular expression: %v", err)
		}
	}
	for _, name := range c.ComponentNames() {
		comp := c.Components[name]
		key := "components." + name
		if !componentRe.MatchString(name) {
			return bad(key, "component name %q may hold only letters, digits, '.', '_' and '-'", name)
		}
		if len(comp.Paths) == 0 {
			return bad(key+".paths", "component %q has no paths (for example paths: [\"%s/**\"])", name, name)
		}
		if comp.TagFormat != "" && !strings.Contains(comp.TagFormat, need) {
			return bad(key+".tag_format", "%q must contain %s", comp.TagFormat, need)
		}
	}
	return nil
}

// Upper bounds of the size limits: an attachment and a text are held in
// memory and stored whole (SQLite refuses values near 1 GB), and a bound
// keeps the byte counts derived from them far from overflowing.
const (
	MaxAttachmentMB = 512
	MaxTextKB       = 64 << 10
)

var prefixRe = lazyre.New(`^[A-Z][A-Z0-9]{0,15}$`)

func (c *Config) validateSupport(bad func(key, format string, args ...any) error) error {
	s := c.Support
	if !prefixRe.MatchString(s.Prefix) {
		return bad("support.prefix", "%q is not a registration number prefix (upper-case letters and digits, e.g. SUP)", s.Prefix)
	}
	if s.AutocloseBusinessDays < 0 || s.AutocloseBusinessDays > 365 {
		return bad("support.autoclose_business_days", "%d is not a number of business days (0 turns auto-close off)", s.AutocloseBusinessDays)
	}
	if _, err := time.LoadLocation(s.Timezone); err != nil {
		return bad("support.timezone", "unknown time zone %q (use an IANA name such as Europe/Moscow)", s.Timezone)
	}
	if !hoursRe.MatchString(s.WorkingHours) {
		return bad("support.working_hours", "%q is not working hours: use HH:MM-HH:MM, e.g. 09:00-18:00", s.WorkingHours)
	}
	if s.Lang != "" && s.Lang != "en" && s.Lang != "ru" {
		return bad("support.lang", "%q: use en or ru", s.Lang)
	}
	if s.PhoneHours != "" && !hoursRe.MatchString(s.PhoneHours) {
		return bad("support.phone_hours", "%q is not hours: use HH:MM-HH:MM, e.g. 09:00-18:00, or \"\" to take calls any time", s.PhoneHours)
	}
	if s.AttachmentMaxMB < 1 || s.AttachmentMaxMB > MaxAttachmentMB {
		return bad("support.attachment_max_mb", "%d: the attachment limit must be from 1 to %d MiB", s.AttachmentMaxMB, MaxAttachmentMB)
	}
	if s.TextMaxKB < 1 || s.TextMaxKB > MaxTextKB {
		return bad("support.text_max_kb", "%d: the text limit must be from 1 to %d KiB", s.TextMaxKB, MaxTextKB)
	}
	return nil
}

var customFieldRe = lazyre.New(`^customfield_[0-9]+$`)

func (c *Config) validateJira(bad func(key, format string, args ...any) error) error {
	j := c.Jira
	switch j.Deployment {
	case "", "cloud", "server":
	default:
		return bad("jira.deployment", "%q: use cloud or server (Data Center is server)", j.Deployment)
	}
	if j.TimeoutSeconds < 1 || j.TimeoutSeconds > 3600 {
		return bad("jira.timeout_seconds", "%d: give 1 to 3600 seconds", j.TimeoutSeconds)
	}
	if j.Retries < 0 || j.Retries > 10 {
		return bad("jira.retries", "%d: use 0 to 10", j.Retries)
	}
	if d, err := time.ParseDuration(j.CacheTTL); err != nil || d < 0 {
		return bad("jira.cache_ttl", "%q is not a duration (for example 24h, 30m, 0 to always fetch)", j.CacheTTL)
	}
	r := j.Requests
	if r.Project != "" && !jiraProjectRe.MatchString(r.Project) {
		return bad("jira.requests.project", "%q is not a Jira project key", r.Project)
	}
	statuses := []string{"new", "in_progress", "waiting_for_customer", "resolved", "closed"}
	for k := range r.Transitions {
		if !slices.Contains(statuses, k) {
			return bad("jira.requests.transitions."+k, "%q is not a sustain status (use %s)", k, strings.Join(statuses, ", "))
		}
	}
	for k := range r.Statuses {
		if !slices.Contains(statuses, k) {
			return bad("jira.requests.statuses."+k, "%q is not a sustain status (use %s)", k, strings.Join(statuses, ", "))
		}
	}
	for k := range r.Priorities {
		if !slices.Contains([]string{"critical", "high", "normal", "low"}, k) {
			return bad("jira.requests.priorities."+k, "%q is not a sustain priority (use critical, high, normal, low)", k)
		}
	}
	for k, v := range r.Fields {
		if !slices.Contains([]string{"customer", "channel", "from", "project_address", "params", "related"}, k) {
			return bad("jira.requests.fields."+k, "%q is not request data (use customer, channel, from, project_address, params, related)", k)
		}
		if !customFieldRe.MatchString(v) {
			return bad("jira.requests.fields."+k, "%q is not a custom field id (for example customfield_10050)", v)
		}
	}
	return nil
}

var hoursRe = lazyre.New(`^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$`)

// SupportLocation is the support time zone; Validate has checked it loads.
func (c *Config) SupportLocation() *time.Location {
	loc, err := time.LoadLocation(c.Support.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// StorePath is the ticket store: the configured one (Load has expanded ~/
// and resolved a relative path against its config file's directory), else
// $XDG_DATA_HOME/sustain/sustain.db (~/.local/share/sustain/sustain.db).
func (c *Config) StorePath(getenv func(string) string) string {
	if c.Store != "" {
		return c.resolveStore(getenv)
	}
	dir := getenv("XDG_DATA_HOME")
	if dir == "" {
		dir = filepath.Join(getenv("HOME"), ".local", "share")
	}
	return filepath.Join(dir, "sustain", "sustain.db")
}

// resolveStore expands ~/ as jira.token_file is, and makes a store path
// written in a config file relative to that file, so the same .sustain.yaml
// names the same store from any subdirectory. Jira store URLs stay as they are.
func (c *Config) resolveStore(getenv func(string) string) string {
	p := c.Store
	if p == "" || p == "jira" || strings.HasPrefix(p, "jira:") {
		return p
	}
	if home := getenv("HOME"); home != "" {
		if p == "~" {
			return home
		}
		if rest, ok := strings.CutPrefix(p, "~/"); ok {
			return filepath.Join(home, rest)
		}
	}
	if !filepath.IsAbs(p) && c.storeDir != "" {
		return filepath.Join(c.storeDir, p)
	}
	return p
}

// Location is the configured time zone; Validate has checked it loads.
func (c *Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.Versioning.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// ComponentNames lists the configured components, sorted.
func (c *Config) ComponentNames() []string {
	names := make([]string, 0, len(c.Components))
	for n := range c.Components {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
