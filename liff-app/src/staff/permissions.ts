// The server's role matrix, from shared/: the screens offer exactly what the server allows.
export { can, type Permission } from '@joren/shared/permissions'
