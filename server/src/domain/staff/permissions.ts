// The role matrix lives in shared/ so the staff screens offer exactly what the server allows.
export { can, ROLES_FOR, type Permission } from '@joren/shared/permissions'
