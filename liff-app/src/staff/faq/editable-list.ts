import { useState } from 'preact/hooks'
import { useResource } from '../../lib/use-resource.ts'
import { useStaff } from '../context.ts'

/**
 * What the FAQ, keyword-rule and canned-reply editors share: the loaded list, which item is open
 * for editing ('new' for the add form), which one waits for a delete confirm, and the delete and
 * after-save steps (toast, close, reload).
 */
export function useEditableList<List, Item extends { id: number }>(input: {
  load(signal: AbortSignal): Promise<List>
  key: string
  deletePath(id: number): string
  deletedMessage: string
}) {
  const { api, toast } = useStaff()
  const list = useResource(input.load, input.key)
  const [editing, setEditing] = useState<number | 'new' | null>(null)
  const [deleting, setDeleting] = useState<Item | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)

  const remove = async () => {
    if (!deleting) return
    setBusy(true)
    try {
      await api.send('DELETE', input.deletePath(deleting.id))
      toast(input.deletedMessage)
      setDeleting(null)
      list.reload()
    } catch (failure) {
      setDeleting(null)
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  const saved = (message: string) => {
    toast(message)
    setEditing(null)
    list.reload()
  }
  return { list, editing, setEditing, deleting, setDeleting, busy, error, setError, remove, saved }
}
