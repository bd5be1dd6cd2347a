/** Inspecting a container's database end to end: the one path both front ends take to an open snapshot. */
export * from './openDatabase';
