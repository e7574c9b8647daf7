import type { StaffCameraMessages } from './staff-camera-ja.ts'

export const staffCameraEn: StaffCameraMessages = {
  open: 'Scan with camera',
  close: 'Close camera',
  video: 'Camera view',
  starting: 'Starting the camera…',
  looking: 'Hold the QR code inside the frame.',
  problem: {
    denied:
      'Camera access is not allowed. Allow the camera in the browser’s site settings, or type the number or code.',
    absent: 'No camera was found on this device. Type the number or code.',
    busy: 'The camera could not start (another app may be using it). Type the number or code.',
    insecure: 'The camera works only on a page opened over https. Type the number or code.',
    failed: 'The camera could not start. Type the number or code.',
  },
}
