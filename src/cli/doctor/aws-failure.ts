import { check, type DoctorCheck } from './doctor-check';

/** How a failed AWS call reads in the doctor's report, and the fix it calls for. */
export const errorName = (e: unknown) => (e as { name?: string })?.name ?? 'Error';
export const errorText = (e: unknown) => `${errorName(e)}: ${((e as Error)?.message ?? String(e)).split('\n')[0]}`;
export const httpStatus = (e: unknown) => (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
export const isAwsError = (e: unknown) => typeof e === 'object' && e !== null && '$metadata' in e;

/** A failed AWS call as a check, with the fix its error calls for. */
export function awsFailure(name: string, e: unknown, grant: string): DoctorCheck {
  const text = errorText(e);
  if (/credential/i.test(text)) return check(name, 'fail', `no AWS credentials (${text})`, 'configure credentials: AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or an instance or task role');
  if (/region is missing/i.test(text)) return check(name, 'fail', text, 'set AWS_REGION');
  if (/AccessDenied|Forbidden|UnauthorizedOperation/i.test(errorName(e)) || httpStatus(e) === 403) return check(name, 'fail', text, `grant ${grant}`);
  return check(name, 'fail', text, 'check the setting named and network access to the AWS endpoint');
}
