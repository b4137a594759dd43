"""Template repositories: discovery, extraction per file format, the repository config,
inline suppressions, the baseline, and the runner behind ``compliance-check templates``."""
