/**
 * The tag rule IAM and EC2 share: the `aws:` prefix, in any case, is AWS's own. EC2 refuses it
 * in tag keys ("Tag keys starting with 'aws:' are reserved for internal use"); IAM in keys and
 * values (IAM User Guide, "Rules for tagging in IAM and AWS STS"; Tagging AWS resources, best
 * practices). The scenario loader applies the same rule to the tags it seeds.
 */
export function hasReservedTagPrefix(text: string): boolean {
  return /^aws:/i.test(text);
}
