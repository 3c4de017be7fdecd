package release

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/sustain-cli/sustain/internal/lazyre"
	"github.com/sustain-cli/sustain/internal/problem"
)

// NextOptions are the choices of `release next` and `release tag`.
type NextOptions struct {
	Component string
	Issue     string // e.g. SRV-42; empty: from the branch name, else the commits
	Minor     bool   // raise MINOR (Q4)
	Major     bool   // raise MAJOR (Q3)
	Pick      string // "" or "highest": what to do with several keys
}

// Next is the version the next release gets.
type Next struct {
	Version     string   `json:"version"`
	Tag         string   `json:"tag"`
	Component   string   `json:"component,omitempty"`
	Commit      string   `json:"commit"`
	Bump        string   `json:"bump,omitempty"`         // patch, minor or major (semver-jira)
	Issue       string   `json:"issue,omitempty"`        // the Jira key whose number is PATCH
	IssueSource string   `json:"issue_source,omitempty"` // flag, branch or commits
	Current     *Release `json:"current"`                // null before the first release
	Commits     int      `json:"commits"`                // commits since Current (in the component)
	Keys        []string `json:"keys"`                   // the project's keys in those commits
	Build       *Build   `json:"build,omitempty"`        // build scheme only
}

var keyRe = lazyre.New(`\b([A-Z][A-Z0-9_]*)-([0-9]+)\b`)

// Next computes the next version.
func (v *Versioner) Next(ctx context.Context, o NextOptions) (*Next, error) {
	if o.Pick != "" && o.Pick != "highest" {
		return nil, problem.New(problem.Usage, "the only choice is --pick highest", "unknown --pick %q", o.Pick)
	}
	if o.Minor && o.Major {
		return nil, problem.New(problem.Usage, "choose one", "--minor and --major cannot be used together")
	}
	s, err := v.scope(o.Component)
	if err != nil {
		return nil, err
	}
	head, err := v.Repo.Head()
	if err != nil {
		return nil, err
	}
	cur, err := v.latest(ctx, s.format, head.Commit.git())
	if err != nil {
		return nil, err
	}
	n := &Next{Component: s.name, Commit: head.Commit.String(), Current: cur, Keys: []string{}}
	var base plumbing.Hash
	if cur != nil {
		base = cur.Commit.git()
	}
	commits, err := v.since(ctx, s, head.Commit.git(), base)
	if err != nil {
		return nil, err
	}
	n.Commits = len(commits)

	if v.Settings.Scheme == SchemeBuild {
		if o.Issue != "" || o.Minor || o.Major {
			return nil, problem.New(problem.Usage, "set versioning.scheme: semver-jira to use them",
				"--issue, --minor and --major belong to the semver-jira scheme; this repository uses build numbers")
		}
		b, err := v.build(ctx, s, head.Commit.git())
		if err != nil {
			return nil, err
		}
		n.Build, n.Version, n.Tag = b, b.Version, s.format.Render(strconv.Itoa(b.Number))
		return n, nil
	}

	if v.Settings.JiraProject == "" {
		return nil, problem.New(problem.Usage, "set jira.project in .sustain.yaml (for example SRV) or SUSTAIN_JIRA_PROJECT",
			"the semver-jira scheme needs the Jira project whose issue numbers become patch numbers")
	}
	if cur != nil && len(commits) == 0 && o.Issue == "" {
		return nil, problem.New(problem.Refused, "commit the change first, or name the issue with --issue",
			"nothing to release: no commits since %s", cur.Tag)
	}
	keys, err := NewKeyFinder(v.Settings.KeyPattern, v.Settings.JiraProject)
	if err != nil {
		return nil, problem.New(problem.Usage, "fix changelog.key_pattern in .sustain.yaml", "bad issue key pattern: %v", err)
	}
	if n.Keys, err = v.keysIn(ctx, keys, commits); err != nil {
		return nil, err
	}
	if err := v.chooseIssue(n, o, keys, head, cur); err != nil {
		return nil, err
	}
	issueNum, _ := KeyNumber(n.Issue) // chooseIssue took only keys with a number

	var major, minor uint64
	if cur != nil {
		major, minor = cur.semver.Major(), cur.semver.Minor()
	} else {
		fmt.Sscanf(v.Settings.FirstVersion, "%d.%d", &major, &minor)
	}
	n.Bump = "patch"
	switch {
	case o.Major:
		major, minor, n.Bump = major+1, 0, "major"
	case o.Minor:
		minor, n.Bump = minor+1, "minor"
	}
	next := semver.New(major, minor, issueNum, "", "")
	n.Version, n.Tag = next.String(), s.format.Render(next.String())

	if cur != nil && !next.GreaterThan(cur.semver) {
		hint := fmt.Sprintf("if %s adds functionality, raise MINOR: sustain release next --issue %s --minor (gives %d.%d.%d)",
			n.Issue, n.Issue, cur.semver.Major(), cur.semver.Minor()+1, issueNum)
		if other := v.lineTag(s, cur.semver.Major(), cur.semver.Minor()+1); other != "" {
			hint = fmt.Sprintf("this is a maintenance line (%d.%d is released from another branch, %s): release it under an issue numbered above %d",
				cur.semver.Major(), cur.semver.Minor()+1, other, cur.semver.Patch())
		}
		return nil, problem.New(problem.Refused, hint,
			"%s would not be greater than the current release %s (%s): PATCH is the issue number, and %s is lower than or equal to %d",
			n.Version, cur.Version, cur.Tag, n.Issue, cur.semver.Patch())
	}
	if err := v.checkLine(s, n, next); err != nil {
		return nil, err
	}
	return n, nil
}

// checkLine refuses a version that exists already, wherever its tag is, and
// a raised MAJOR.MINOR that another branch already releases: on a
// maintenance line (release/1.0, 1.0.x tags, while main has 1.1.x) the
// next version stays within the line reachable from HEAD.
func (v *Versioner) checkLine(s *scope, n *Next, next *semver.Version) error {
	if v.Repo.tagExists(n.Tag) {
		rels, err := v.Repo.versionTags(s.format)
		if err != nil {
			return err
		}
		where := ""
		for _, r := range rels {
			if r.Tag == n.Tag {
				where = fmt.Sprintf(" (on commit %s, not HEAD)", r.Commit.Short())
				if r.Commit.String() == n.Commit {
					where = " (on HEAD)"
				}
			}
		}
		return problem.New(problem.Refused, "choose another issue, or raise MINOR with --minor",
			"tag %s already exists%s", n.Tag, where)
	}
	if n.Bump == "patch" {
		return nil
	}
	if other := v.lineTag(s, next.Major(), next.Minor()); other != "" {
		return problem.New(problem.Refused,
			fmt.Sprintf("release from the branch that has %s, or stay within this line without --%s", other, n.Bump),
			"%d.%d is released from another branch already (%s, not reachable from HEAD): a maintenance line keeps its MAJOR.MINOR",
			next.Major(), next.Minor(), other)
	}
	return nil
}

// lineTag is the highest tag of the line MAJOR.MINOR, or "".
func (v *Versioner) lineTag(s *scope, major, minor uint64) string {
	rels, _ := v.releases(s.format)
	for _, r := range rels { // newest first
		if r.semver != nil && r.semver.Major() == major && r.semver.Minor() == minor {
			return r.Tag
		}
	}
	return ""
}

// chooseIssue sets n.Issue from the flag, the branch name or the commits.
func (v *Versioner) chooseIssue(n *Next, o NextOptions, keys *KeyFinder, head Head, cur *Release) error {
	project := v.Settings.JiraProject
	if o.Issue != "" {
		key := strings.ToUpper(strings.TrimSpace(o.Issue))
		m := keyRe.FindStringSubmatch(key)
		if _, ok := KeyNumber(key); m == nil || m[0] != key || !ok {
			return problem.New(problem.Usage, fmt.Sprintf("write it as PROJECT-NUMBER, for example %s-42", project),
				"%q is not a Jira issue key", o.Issue)
		}
		if m[1] != project {
			return problem.New(problem.Refused, fmt.Sprintf("patch numbers come from %s issues (jira.project); use an %s key", project, project),
				"%s belongs to project %s, not %s", key, m[1], project)
		}
		n.Issue, n.IssueSource = key, "flag"
		return nil
	}
	if head.Branch != "" {
		for _, k := range keys.Keys(strings.ToUpper(head.Branch)) {
			if _, ok := KeyNumber(k); ok {
				n.Issue, n.IssueSource = k, "branch"
				return nil
			}
		}
	}
	since := "in the history"
	if cur != nil {
		since = "since " + cur.Tag
	}
	switch {
	case len(n.Keys) == 1:
		n.Issue, n.IssueSource = n.Keys[0], "commits"
		return nil
	case len(n.Keys) > 1 && o.Pick == "highest":
		n.Issue, n.IssueSource = n.Keys[len(n.Keys)-1], "commits"
		return nil
	case len(n.Keys) > 1:
		return problem.New(problem.Refused, fmt.Sprintf("name the release issue with --issue %s, or take the highest with --pick highest", n.Keys[len(n.Keys)-1]),
			"the commits %s mention %d %s issues: %s; which one is the release made under?",
			since, len(n.Keys), project, CutList(n.Keys))
	}
	where := "the branch name"
	if head.Detached {
		where = "HEAD (detached, no branch name)"
	}
	return problem.New(problem.Refused, fmt.Sprintf("name it with --issue %s-N, or mention it in a commit message", project),
		"no %s issue key in %s or in the %s %s", project, where, plural(n.Commits, "commit", "commits"), since)
}

// keysIn lists the project's issue keys in the commit messages, by number;
// a key without a usable number cannot be a PATCH and is left out.
func (v *Versioner) keysIn(ctx context.Context, finder *KeyFinder, commits []plumbing.Hash) ([]string, error) {
	seen := map[string]uint64{}
	for _, h := range commits {
		if err := stopped(ctx); err != nil {
			return nil, err
		}
		msg, err := v.Repo.commitMessage(h)
		if err != nil {
			return nil, err
		}
		for _, k := range finder.Keys(msg) {
			if num, ok := KeyNumber(k); ok {
				seen[k] = num
			}
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return seen[keys[i]] < seen[keys[j]] })
	return keys, nil
}

// RecentKeys is the issue keys of the configured Jira project in the last n
// commits reachable from HEAD (breadth first, newest first), each once, the
// highest number first: what shell completion offers for --issue. It reads
// n commits at most, whatever the history's size.
func (v *Versioner) RecentKeys(ctx context.Context, n int) ([]string, error) {
	if v.Settings.JiraProject == "" {
		return nil, nil
	}
	finder, err := NewKeyFinder(v.Settings.KeyPattern, v.Settings.JiraProject)
	if err != nil {
		return nil, err
	}
	head, err := v.Repo.Head()
	if err != nil {
		return nil, err
	}
	seen := map[plumbing.Hash]bool{head.Commit.git(): true}
	queue := []plumbing.Hash{head.Commit.git()}
	var commits []plumbing.Hash
	for len(queue) > 0 && len(commits) < n {
		h := queue[0]
		queue = queue[1:]
		commits = append(commits, h)
		ci, err := v.Repo.graph.info(h)
		if err != nil {
			return nil, err
		}
		for _, p := range ci.parents {
			if !seen[p] {
				seen[p] = true
				queue = append(queue, p)
			}
		}
	}
	keys, err := v.keysIn(ctx, finder, commits)
	if err != nil {
		return nil, err
	}
	slices.Reverse(keys)
	return keys, nil
}
