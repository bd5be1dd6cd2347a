/** Which columns hold secrets, and masking their values everywhere a value is shown. */
export * from './secrets';
