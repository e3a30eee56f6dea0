import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { parseIpMatch } from '../../domain/ip-match';

/** Shapes the inputs are checked against before any engine call. */
export const ACCOUNT_ID = /^\d{12}$/;
/** AWS region shape; fake or future regions seen in published data still match (e.g. ca-south-3r). */
export const REGION = /^[a-z]{2,}(-[a-z0-9]+){1,4}$/;
export const ARN = /^arn:[a-z0-9-]{1,32}:[a-z0-9-]*:[a-z0-9-]*:[A-Za-z0-9_-]*:\S{1,2000}$/;
export const EVENT_SOURCE = /^[A-Za-z0-9.-]{1,128}$/;
export const EVENT_NAME = /^[A-Za-z0-9_.:-]{1,128}$/;
export const ACCESS_KEY_ID = /^[A-Za-z0-9_]{1,128}$/;
export const JSON_PATH = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+){0,15}$/;
export const MAX_LIST = 100;

/** Each value is an IPv4/IPv6 address or CIDR block (parsed by ipaddr.js). */
export function IsIpOrCidr(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isIpOrCidr',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must hold IPv4/IPv6 addresses or CIDR blocks`, ...options },
      validator: {
        validate: (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === 'string' && parseIpMatch(v) !== null),
      },
    });
}

/** Exactly one of the named properties is set. */
export function ExactlyOneOf(props: readonly string[], options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'exactlyOneOf',
      target: target.constructor,
      propertyName,
      options: { message: `exactly one of ${props.join(', ')} must be set`, ...options },
      validator: {
        validate: (_: unknown, args: ValidationArguments) =>
          props.filter((p) => (args.object as Record<string, unknown>)[p] !== undefined && (args.object as Record<string, unknown>)[p] !== null).length === 1,
      },
    });
}

/** A Date property is strictly after another Date property of the same object. */
export function IsAfter(other: string, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isAfter',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be after ${other}`, ...options },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const o = (args.object as Record<string, unknown>)[other];
          return value instanceof Date && o instanceof Date && value.getTime() > o.getTime();
        },
      },
    });
}
