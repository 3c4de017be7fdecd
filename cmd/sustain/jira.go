package main

import (
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/sustain-cli/sustain/internal/config"
	"github.com/sustain-cli/sustain/internal/storeurl"
	"github.com/sustain-cli/sustain/jira"
	"github.com/sustain-cli/sustain/ticket"
	"github.com/sustain-cli/sustain/ticket/customerfile"
	ticketjira "github.com/sustain-cli/sustain/ticket/jira"
)

// jiraClient connects to jira.url (or site, when a store names one) with
// the credentials found for it.
func (a *app) jiraClient(site string) (*jira.Client, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	j := cfg.Jira
	if site == "" {
		site = j.URL
	}
	if site == "" {
		return nil, usagef("no Jira site: set jira.url in .sustain.yaml or SUSTAIN_JIRA_URL")
	}
	user, token, source, err := a.jiraToken(cfg, site)
	if err != nil {
		return nil, err
	}
	c := jira.Config{URL: site, User: user, Token: token, TokenSource: source, Deployment: j.Deployment,
		Timeout: time.Duration(j.TimeoutSeconds) * time.Second, Retries: j.Retries,
		Warn: func(msg string) { a.warnf("%s", msg) }}
	if a.debug {
		c.Debug = a.err
	}
	return jira.New(c)
}

// jiraToken finds the credentials: jira.token (SUSTAIN_JIRA_TOKEN), then
// jira.token_file, then ~/.netrc. A token written in a config file is used
// but warned about: such files end up in git.
func (a *app) jiraToken(cfg *config.Loaded, site string) (user, token, source string, err error) {
	user = cfg.Jira.User
	if t := cfg.Jira.Token; t != "" {
		origin := cfg.Origin("jira.token")
		if !strings.HasPrefix(origin, "environment") {
			file, _, _ := strings.Cut(origin, ":")
			a.warnf("a Jira token is written in %s: anyone who can read the file (or the repository it is committed to) has it; move it to SUSTAIN_JIRA_TOKEN, jira.token_file or ~/.netrc", file)
			return user, t, "jira.token in " + file, nil
		}
		return user, t, config.EnvName("jira.token"), nil
	}
	if f := cfg.Jira.TokenFile; f != "" {
		path := a.expandHome(f)
		token, warning, err := jira.TokenFile(path)
		if err != nil {
			return "", "", "", usagef("jira.token_file: %v", err)
		}
		if warning != "" {
			a.warnf("%s", warning)
		}
		return user, token, path, nil
	}
	u, err := url.Parse(site)
	if err != nil {
		return user, "", "", nil
	}
	path := a.getenv("NETRC")
	if path == "" {
		path = filepath.Join(a.getenv("HOME"), ".netrc")
	}
	e, found, warning, err := jira.Netrc(path, u.Hostname())
	if err != nil {
		return "", "", "", usagef("netrc: %v", err)
	}
	if !found || e.Password == "" {
		return user, "", "", nil
	}
	if warning != "" {
		a.warnf("%s", warning)
	}
	// A login that is not an e-mail names a Server / DC token's owner, not
	// a Cloud account, so only an e-mail serves as jira.user.
	if user == "" && strings.Contains(e.Login, "@") {
		user = e.Login
	}
	return user, e.Password, path, nil
}

func (a *app) expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		return filepath.Join(a.getenv("HOME"), rest)
	}
	return p
}

// jiraStore opens the Jira store of `jira` or jira:https://site?project=KEY.
func (a *app) jiraStore(cfg *config.Loaded, st storeurl.Store) (ticket.Store, error) {
	site, project := st.Site, st.Project
	r := cfg.Jira.Requests
	if project == "" {
		project = r.Project
	}
	if project == "" {
		project = cfg.Support.Prefix
	}
	api, err := a.jiraClient(site)
	if err != nil {
		return nil, err
	}
	opts := ticketjira.Options{Project: project, IssueType: r.IssueType, Resolution: r.Resolution, Fields: r.Fields,
		Warn:       func(msg string) { a.warnf("%s", msg) },
		Priorities: r.Priorities, Statuses: map[ticket.Status][]string{}, Transitions: map[ticket.Status]string{}}
	for k, v := range r.Statuses {
		opts.Statuses[ticket.Status(k)] = v
	}
	for k, v := range r.Transitions {
		opts.Transitions[ticket.Status(k)] = v
	}
	return ticketjira.New(api, customerfile.Open(a.customersFile(cfg)), opts), nil
}

// customersFile is jira.requests.customers, else customers.yaml beside the
// repository's .sustain.yaml, else in the working directory.
func (a *app) customersFile(cfg *config.Loaded) string {
	if f := cfg.Jira.Requests.Customers; f != "" {
		return a.expandHome(f)
	}
	if repo := config.FindRepoFile(a.dir); repo != "" {
		return filepath.Join(filepath.Dir(repo), "customers.yaml")
	}
	return filepath.Join(a.dir, "customers.yaml")
}
