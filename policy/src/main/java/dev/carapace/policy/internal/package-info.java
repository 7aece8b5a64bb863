/**
 * Not API: the policy module's parsers, renderers and built-in rule definitions. Reach the rules
 * through {@link dev.carapace.policy.Profiles}; these types may change in any release.
 */
package dev.carapace.policy.internal;
